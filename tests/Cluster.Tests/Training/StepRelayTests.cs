using Akka.Actor;
using Akka.TestKit.Xunit2;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;
using AttnRnnCluster.Worker.Training;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>
/// A worker's relay on the chain data plane, alone with test probes: a plan that comes in several messages (the sum
/// started before the round was complete) adds up, and what comes before the message that places it waits for it.
/// </summary>
public sealed class StepRelayTests() : TestKit(NodeConfig.InProcess())
{
    private const int Parameters = 4, SegmentLength = 2;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static StepPlan Plan(RelayPart[] parts, IActorRef? weightsFrom, bool complete) =>
        new(Version: 0, Attempt: 0, Parameters, SegmentLength, parts, weightsFrom, WeightsTo: null, complete);

    private static SumSegment ExpectSum(Akka.TestKit.TestProbe to) => to.ExpectMsg<SumSegment>(Patience);

    /// <summary>A relay (a child of the test actor, as of its worker) keeping the gradients of step 1's <paramref name="kept"/> shards, registered with a probe as coordinator.</summary>
    private (IActorRef Relay, Akka.TestKit.TestProbe Coordinator) StartRelay(params (int Shard, float[] Gradient)[] kept)
    {
        var gradients = new KeptGradients();
        foreach (var (shard, gradient) in kept) gradients.Keep(0, shard, gradient);
        var coordinator = CreateTestProbe();
        var relay = ChildActorOf(StepRelay.Props(gradients));
        relay.Tell(new StepRelay.Configure(Parameters, coordinator.Ref));
        return (relay, coordinator);
    }

    [Fact]
    public void The_messages_of_one_plan_add_up_and_segments_before_their_part_wait_for_it()
    {
        var (relay, coordinator) = StartRelay((1, [1, 2, 3, 4]), (3, [10, 20, 30, 40]));
        var before1 = CreateTestProbe();
        var after1 = CreateTestProbe();
        var before3 = CreateTestProbe();
        var after3 = CreateTestProbe();

        // The first message: hop 1 only (the round was still being computed).
        relay.Tell(Plan([new RelayPart(1, [1], before1.Ref, after1.Ref)], weightsFrom: null, complete: false), coordinator.Ref);
        relay.Tell(new SumSegment(0, 0, 1, 0, [100, 100]), before1.Ref);
        // Hop 3's input comes before its part: it waits, it is not dropped.
        relay.Tell(new SumSegment(0, 0, 3, 2, [7, 7]), before3.Ref);
        var first = ExpectSum(after1);
        Assert.Equal((1 + 1, 0), (first.Hop, first.Offset));
        Assert.Equal([101f, 102], first.Values);
        after3.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // The completing message: hop 3, and the weights from the coordinator. Hop 1 stays planned.
        relay.Tell(Plan([new RelayPart(3, [3], before3.Ref, after3.Ref)], weightsFrom: coordinator.Ref, complete: true), coordinator.Ref);
        var waited = ExpectSum(after3);
        Assert.Equal((3 + 1, 2), (waited.Hop, waited.Offset));
        Assert.Equal([37f, 47], waited.Values);
        relay.Tell(new SumSegment(0, 0, 1, 2, [100, 100]), before1.Ref);
        Assert.Equal([103f, 104], ExpectSum(after1).Values);
        relay.Tell(new SumSegment(0, 0, 3, 0, [5, 5]), before3.Ref);
        Assert.Equal([15f, 25], ExpectSum(after3).Values);

        relay.Tell(new WeightsSegment(1, 0, [0.5f, 0.5f], WirePrecision.F32), coordinator.Ref);
        relay.Tell(new WeightsSegment(1, 2, [0.25f, 0.25f], WirePrecision.F32), coordinator.Ref);
        var assembled = ExpectMsg<StepRelay.WeightsAssembled>(Patience);
        Assert.Equal([0.5f, 0.5f, 0.25f, 0.25f], assembled.Values);
        var done = coordinator.ReceiveN(3, Patience).OfType<RelayDone>().ToList();
        Assert.Equal([-1, 1, 3], done.Select(d => d.Hop).Order());
    }

    [Fact]
    public void Weights_before_the_completing_message_wait_for_the_relay_s_place_in_their_chain()
    {
        var (relay, coordinator) = StartRelay((0, [1, 1, 1, 1]));
        var after = CreateTestProbe();
        relay.Tell(Plan([new RelayPart(0, [0], null, after.Ref)], null, complete: false), coordinator.Ref);
        after.ReceiveN(2, Patience);

        relay.Tell(new WeightsSegment(1, 0, [0.5f, 0.5f], WirePrecision.F32), coordinator.Ref);
        relay.Tell(new WeightsSegment(1, 2, [0.25f, 0.25f], WirePrecision.F32), coordinator.Ref);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        relay.Tell(Plan([new RelayPart(0, [0], null, after.Ref)], weightsFrom: coordinator.Ref, complete: true), coordinator.Ref);
        Assert.Equal([0.5f, 0.5f, 0.25f, 0.25f], ExpectMsg<StepRelay.WeightsAssembled>(Patience).Values);
        after.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // hop 0 repeated: kept as it was, not summed again
    }

    [Fact]
    public void Only_a_segment_for_a_hop_after_those_planned_here_waits()
    {
        var (relay, coordinator) = StartRelay((1, [1, 1, 1, 1]), (2, [1, 1, 1, 1]));
        var before = CreateTestProbe();
        var after = CreateTestProbe();
        relay.Tell(Plan([new RelayPart(3, [2], before.Ref, after.Ref)], null, complete: false), coordinator.Ref);

        // Hop 2 comes before hop 3, planned here already: hops are planned in order, so it does not wait.
        relay.Tell(new SumSegment(0, 0, 2, 0, [7, 7]), before.Ref);
        relay.Tell(new SumSegment(0, 0, 2, 2, [7, 7]), before.Ref);
        relay.Tell(Plan([new RelayPart(2, [1], before.Ref, after.Ref), new RelayPart(3, [2], before.Ref, after.Ref)],
            weightsFrom: coordinator.Ref, complete: true), coordinator.Ref);

        after.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_newer_attempt_s_waiting_segments_take_the_place_of_an_older_one_s()
    {
        var (relay, coordinator) = StartRelay((1, [1, 1, 1, 1]), (5, [10, 10, 10, 10]));
        var before = CreateTestProbe();
        var after = CreateTestProbe();
        relay.Tell(Plan([new RelayPart(3, [1], before.Ref, after.Ref)], null, complete: false), coordinator.Ref);

        // Hop 5's input of attempt 0 fills the room for waiting (two models: 8 values here).
        foreach (var sender in new[] { before, CreateTestProbe() })
        {
            relay.Tell(new SumSegment(0, 0, 5, 0, [1, 1]), sender.Ref);
            relay.Tell(new SumSegment(0, 0, 5, 2, [1, 1]), sender.Ref);
        }
        // Attempt 1 replaced attempt 0 (its plan is on its way): its segments void attempt 0's and wait in their room.
        relay.Tell(new SumSegment(0, 1, 5, 0, [2, 2]), before.Ref);
        relay.Tell(new SumSegment(0, 1, 5, 2, [2, 2]), before.Ref);
        relay.Tell(Plan([new RelayPart(5, [5], before.Ref, after.Ref)], weightsFrom: coordinator.Ref, complete: true) with { Attempt = 1 }, coordinator.Ref);

        var sent = after.ReceiveN(2, Patience).Cast<SumSegment>().ToList();
        Assert.All(sent, s => Assert.Equal((1, 6, 12f), (s.Attempt, s.Hop, s.Values[0])));
    }

    [Fact]
    public void A_newer_attempt_replaces_the_plan_and_the_older_attempt_s_parts_are_ignored()
    {
        var (relay, coordinator) = StartRelay((1, [1, 1, 1, 1]));
        var before = CreateTestProbe();
        var after = CreateTestProbe();
        var other = CreateTestProbe();

        relay.Tell(Plan([new RelayPart(1, [1], before.Ref, after.Ref)], null, complete: false), coordinator.Ref);
        relay.Tell(Plan([new RelayPart(1, [1], before.Ref, other.Ref)], null, complete: false) with { Attempt = 1 }, coordinator.Ref);
        relay.Tell(Plan([new RelayPart(2, [1], before.Ref, after.Ref)], null, complete: false), coordinator.Ref); // attempt 0: too old
        relay.Tell(new SumSegment(0, 0, 1, 0, [9, 9]), before.Ref); // attempt 0: dropped
        relay.Tell(new SumSegment(0, 1, 1, 0, [2, 2]), before.Ref);

        Assert.Equal([3f, 3], other.ExpectMsg<SumSegment>(Patience).Values);
        after.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_plan_from_anyone_but_the_coordinator_is_dropped_and_the_completing_message_repeats_the_parts()
    {
        var (relay, coordinator) = StartRelay((0, [1, 1, 1, 1]));
        var stranger = CreateTestProbe();
        var after = CreateTestProbe();

        relay.Tell(Plan([new RelayPart(0, [0], null, stranger.Ref)], null, complete: true), stranger.Ref);
        stranger.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // The partial message never came (or comes later): the completing one carries hop 0 too, which starts the sum.
        relay.Tell(Plan([new RelayPart(0, [0], null, after.Ref)], weightsFrom: coordinator.Ref, complete: true), coordinator.Ref);
        Assert.Equal([1f, 1], after.ExpectMsg<SumSegment>(Patience).Values);
        Assert.Equal([1f, 1], after.ExpectMsg<SumSegment>(Patience).Values);
        relay.Tell(Plan([new RelayPart(0, [0], null, after.Ref)], null, complete: false), coordinator.Ref); // late: a part it has
        after.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
