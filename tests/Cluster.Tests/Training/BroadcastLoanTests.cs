using Akka.Actor;
using Akka.TestKit.Xunit2;
using AttnRnnCluster.Coordinator.Commands;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Training;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;
using AttnRnnCluster.Transport;
using AttnRnnCluster.Worker.Training;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>
/// A step's weight broadcast travels in a recycled buffer (<see cref="BroadcastBuffers"/>): reused once every reader has
/// released it, and never while one may still read it. The straggler case with a real worker actor and the real
/// transport: a worker busy with a shard while three more steps are broadcast still computes the next shard on the bits
/// of the weights it was sent for it.
/// </summary>
public sealed class BroadcastLoanTests : TestKit, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("attnrnn-loan-").FullName;

    public BroadcastLoanTests() : base(NodeConfig.InProcess())
    {
    }

    void IDisposable.Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        Shutdown();
    }

    private TrainingSetup Setup() => TrainingSetup.Create(InProcessTraining.SmallAdding(Path.Combine(_dir, "run"), steps: 4));

    /// <summary>A training step's worth of change to the master weights (the test only needs new bits, not Adam's).</summary>
    private static void Step(MasterState master, float by)
    {
        for (int i = 0; i < master.Weights.Length; i++) master.Weights[i] += by * (1 + i % 7);
    }

    [Fact]
    public void A_broadcast_a_reader_still_holds_keeps_its_bits_while_two_more_steps_are_broadcast_in_a_recycled_buffer()
    {
        var master = Setup().Master;
        var held = master.LoanedWeightsMessage();
        var heldBits = (float[])held.Weights.Values.Clone();
        held.Loan!.AddReader(); // a worker with a backlog: it loads this broadcast later
        held.Loan.Release(); // the coordinator has sent it

        Step(master, 0.25f);
        var second = master.LoanedWeightsMessage();
        second.Loan!.Release(); // nobody else reads it: its buffer is free for the next step
        Step(master, 0.5f);
        var third = master.LoanedWeightsMessage();

        Assert.Equal(BitsOf(heldBits), BitsOf(held.Weights.Values));
        Assert.Same(second.Weights.Values, third.Weights.Values); // recycled: the steps do write into used buffers
        Assert.Equal(BitsOf(master.Weights), BitsOf(third.Weights.Values));
    }

    [Fact]
    public void Once_the_last_reader_releases_a_broadcast_its_buffer_carries_a_later_one()
    {
        var master = Setup().Master;
        var first = master.LoanedWeightsMessage();
        first.Loan!.AddReader();
        first.Loan.Release();
        Assert.Equal(1, first.Loan.Readers);

        first.Loan.Release(); // the worker loaded it
        Step(master, 1f);
        var next = master.LoanedWeightsMessage();

        Assert.Equal(0, first.Loan.Readers);
        Assert.Same(first.Weights.Values, next.Weights.Values);
        Assert.Equal(BitsOf(master.Weights), BitsOf(next.Weights.Values));
    }

    [Theory]
    [InlineData(WirePrecision.F32)]
    [InlineData(WirePrecision.Bf16)]
    public void A_loaned_broadcast_carries_the_bits_of_the_plain_one(WirePrecision precision)
    {
        var master = Setup().Master;
        Step(master, 0.123f);

        var plain = master.WeightsMessage(precision);
        var loaned = master.LoanedWeightsMessage(precision);

        Assert.Equal((plain.Version, plain.Precision), (loaned.Version, loaned.Precision));
        Assert.Equal(BitsOf(plain.Weights.Values), BitsOf(loaned.Weights.Values));
        Assert.Equal(plain.Weights.Slots.Select(s => (s.Name, s.Offset)), loaned.Weights.Slots.Select(s => (s.Name, s.Offset)));
    }

    [Theory]
    [InlineData(WirePrecision.F32)]
    [InlineData(WirePrecision.Bf16)]
    public void The_broadcast_after_a_step_carries_the_weights_the_step_wrote_though_the_optimizer_filled_it_and_not_a_copy(WirePrecision precision)
    {
        var master = Setup().Master;
        for (int step = 0; step < 3; step++)
        {
            master.Apply(CompleteRound(master, seed: step));
            var broadcast = master.LoanedWeightsMessage(precision);

            Assert.Equal(BitsOf(master.WeightsMessage(precision).Weights.Values), BitsOf(broadcast.Weights.Values));
            Assert.Equal(master.Version, broadcast.Version);
            broadcast.Loan!.Release();
        }
    }

    /// <summary>A training round of two shards against the master's version, every result in, with gradients drawn from <paramref name="seed"/>.</summary>
    private static ShardRound CompleteRound(MasterState master, int seed)
    {
        int size = master.Layout.TotalSize;
        var random = new Random(seed);
        var round = new ShardRound(master.Version, WorkKind.Train, new SequenceBatch[2], [16, 16], size);
        for (int shard = 0; shard < 2; shard++)
        {
            var gradient = Enumerable.Range(0, size).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            var verdict = round.Offer(new WorkerId(shard), new ShardCompleted(master.Version, WorkKind.Train, shard, gradient, 1.0, 16, 1.0), out string? problem);
            Assert.True(verdict == ResultVerdict.Accepted, problem);
        }
        return round;
    }

    [Fact]
    public void A_loan_released_more_often_than_it_had_readers_is_an_error_not_a_second_give_back()
    {
        int givenBack = 0;
        var loan = new BufferLoan(() => givenBack++);
        loan.Release();

        Assert.Throws<InvalidOperationException>(loan.Release);
        Assert.Throws<InvalidOperationException>(loan.AddReader);
        Assert.Equal(1, givenBack);
    }

    [Fact]
    public void A_busy_worker_sent_three_more_broadcasts_computes_its_next_shard_on_the_bits_it_was_sent_for_it()
    {
        var setup = Setup();
        var master = setup.Master;
        var transport = PayloadTransport.Get(Sys);
        var coordinator = CreateTestProbe();
        var gate = new GatedEngines();
        var worker = Sys.ActorOf(TrainingWorker.Props(new WorkerSettings("straggler"), gate.Create, coordinator.Ref), "straggler");
        coordinator.ExpectMsg<RegisterWorker>(TimeSpan.FromMinutes(1));
        worker.Tell(new WorkerAccepted("test-run", ModelConfigJson.Serialize(master.Config), master.Layout.TotalSize, 60_000, WirePrecision.F32), coordinator.Ref);
        var batch = setup.Data.TrainBatch(0, 10);
        var shard0 = batch.Slice(0, 5);
        var shard1 = batch.Slice(5, 5);

        Broadcast(transport, worker, coordinator, master, version: 0);
        worker.Tell(new ShardAssignment(0, WorkKind.Train, 0, shard0.ToWire()), coordinator.Ref);
        Assert.True(gate.Entered.Wait(TimeSpan.FromMinutes(1)), "the worker never started its first shard");
        // The worker is inside its first shard: what follows waits in its mailbox.
        Step(master, 0.25f);
        var bitsForShard1 = (float[])master.Weights.Clone();
        Broadcast(transport, worker, coordinator, master, version: 1);
        worker.Tell(new ShardAssignment(1, WorkKind.Train, 1, shard1.ToWire()), coordinator.Ref);
        Step(master, 0.5f);
        var secondLater = Broadcast(transport, worker, coordinator, master, version: 2);
        Step(master, 0.75f);
        var thirdLater = Broadcast(transport, worker, coordinator, master, version: 3);
        gate.Open.Set();

        var results = ResultsFor(coordinator, count: 2);
        using var reference = GradientEngines.Create(master.Config);
        reference.SetWeights(bitsForShard1);
        var expected = reference.ComputeGradient(shard1);
        Assert.Equal(BitsOf(expected.Gradient), BitsOf(results[1].Gradient!));
        Assert.NotSame(secondLater.Weights.Values, thirdLater.Weights.Values);
    }

    /// <summary>The coordinator's broadcast as <see cref="TrainingCoordinator"/> sends it: through the transport, then its own reader released.</summary>
    private static WeightsUpdate Broadcast(PayloadTransport transport, IActorRef worker, Akka.TestKit.TestProbe coordinator, MasterState master, long version)
    {
        var message = master.LoanedWeightsMessage() with { Version = version };
        transport.Tell([worker], message, coordinator.Ref);
        message.Loan!.Release();
        return message;
    }

    /// <summary>The next <paramref name="count"/> shard results, by shard index (progress beats skipped).</summary>
    private static ShardCompleted[] ResultsFor(Akka.TestKit.TestProbe coordinator, int count)
    {
        var results = new ShardCompleted[count];
        for (int received = 0; received < count;)
        {
            var message = coordinator.FishForMessage(m => m is ShardCompleted or ShardFailed, TimeSpan.FromMinutes(1));
            if (message is ShardFailed failed) Assert.Fail($"shard {failed.ShardIndex} failed: {failed.Reason}");
            var result = (ShardCompleted)message;
            results[result.ShardIndex] = result;
            received++;
        }
        return results;
    }

    private static int[] BitsOf(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    /// <summary>The real engine, whose first gradient waits until the test opens the gate (a worker busy with a long shard).</summary>
    private sealed class GatedEngines
    {
        public ManualResetEventSlim Entered { get; } = new();
        public ManualResetEventSlim Open { get; } = new();

        public IGradientEngine Create(ModelConfig config) => new Engine(GradientEngines.Create(config), this);

        private sealed class Engine(IGradientEngine inner, GatedEngines gate) : IGradientEngine
        {
            public ModelConfig Config => inner.Config;
            public ParameterLayout Layout => inner.Layout;
            public void SetWeights(ReadOnlySpan<float> flat) => inner.SetWeights(flat);
            public ShardResult ComputeGradient(Batch shard)
            {
                if (!gate.Entered.IsSet)
                {
                    gate.Entered.Set();
                    gate.Open.Wait();
                }
                return inner.ComputeGradient(shard);
            }
            public (double LossSum, long Count) Evaluate(Batch shard) => inner.Evaluate(shard);
            public float[] Forward(Batch batch) => inner.Forward(batch);
            public void Dispose() => inner.Dispose();
        }
    }
}
