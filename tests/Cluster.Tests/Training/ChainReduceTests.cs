using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Protocol.Messages;
using Microsoft.Extensions.Time.Testing;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>The chain data plane's bookkeeping: hops in shard order, a stalled hop, a slow relay, the sum put together at the coordinator.</summary>
public sealed class ChainReduceTests
{
    private static readonly WorkerId A = new(1), B = new(2), C = new(3);
    private static readonly SequenceBatch Shard = new(1, 1, 1, 1, [1], [0.5f], null, [1f], null, null);

    private static ShardRound CompleteRound(params WorkerId[] holders) => RoundKeeping([.. holders.Select(h => (WorkerId?)h)]);

    /// <summary>A round of <paramref name="holders"/>.Length shards; shard k is kept from holders[k], or not yet in when that is null.</summary>
    private static ShardRound RoundKeeping(params WorkerId?[] holders)
    {
        var round = new ShardRound(4, WorkKind.Train, [.. holders.Select(_ => Shard)], [.. holders.Select(_ => 1L)], gradientLength: 2) { GradientsAtWorkers = true };
        for (int shard = 0; shard < holders.Length; shard++)
        {
            if (holders[shard] is not { } holder) continue;
            round.MarkSent(shard, holder, 0);
            var digest = new GradientDigest(new byte[GradientDigest.HashLength], 1, true, 1);
            Assert.Equal(ResultVerdict.Accepted, round.Offer(holder, new ShardCompleted(4, WorkKind.Train, shard, null, 0.5, 1, 1, Digest: digest), out _));
        }
        return round;
    }

    /// <summary>A round's whole plan at once, as when its results all came before the first hop settled.</summary>
    private static ChainReduce Planned(ShardRound round, FakeTimeProvider clock)
    {
        var reduce = new ChainReduce(round, 0);
        Assert.Equal(0, reduce.Extend(round.Hops(), null, clock.GetTimestamp()));
        reduce.Complete([A, B, C], clock.GetTimestamp());
        return reduce;
    }

    [Fact]
    public void Each_run_of_consecutive_shards_of_one_worker_is_one_hop_in_shard_order()
    {
        var round = CompleteRound(A, A, B, A, C, C);

        var hops = round.Hops();

        Assert.Equal([A, B, A, C], hops.Select(h => h.Worker));
        Assert.Equal([[0, 1], [2], [3], [4, 5]], hops.Select(h => h.Shards));
    }

    [Fact]
    public void While_results_come_in_the_hops_up_to_the_first_missing_shard_are_settled_but_the_last_run_before_it()
    {
        var hops = RoundKeeping(A, A, B, C, null, C).SettledHops(out var next);

        Assert.Equal([A, B], hops.Select(h => h.Worker));
        Assert.Equal([[0, 1], [2]], hops.Select(h => h.Shards));
        Assert.Equal(C, next); // shard 4 may yet be C's: C's run is not settled, but the sum goes to C

        Assert.Empty(RoundKeeping(null, A, B).SettledHops(out var none));
        Assert.Null(none);
        Assert.Equal([A, B, C], RoundKeeping(A, B, C).SettledHops(out var afterLast).Select(h => h.Worker));
        Assert.Null(afterLast);
    }

    [Fact]
    public void A_plan_grows_with_the_settled_hops_and_is_void_once_they_no_longer_start_with_it()
    {
        var clock = new FakeTimeProvider();
        var reduce = new ChainReduce(RoundKeeping(A, B, null), 0);

        Assert.Equal(0, reduce.Extend([(A, [0])], B, clock.GetTimestamp()));
        Assert.True(reduce.Involves(B)); // the sum goes to B's relay: losing B voids the plan
        Assert.Equal(1, reduce.Extend([(A, [0])], B, clock.GetTimestamp())); // nothing new
        Assert.Equal(1, reduce.Extend([(A, [0]), (B, [1])], C, clock.GetTimestamp()));
        Assert.Equal(C, reduce.Next);

        Assert.Equal(-1, reduce.Extend([(A, [0]), (A, [1])], null, clock.GetTimestamp())); // hop 1 is no longer B's
        Assert.Equal(-1, reduce.Extend([(A, [0]), (B, [1]), (A, [2])], null, clock.GetTimestamp())); // C was promised hop 2
    }

    [Fact]
    public void A_sum_waiting_for_results_to_plan_its_next_hop_is_not_stalled_and_a_late_hop_counts_from_its_plan()
    {
        var clock = new FakeTimeProvider();
        var reduce = new ChainReduce(RoundKeeping(A, B, C), 0);
        var timeout = TimeSpan.FromSeconds(5);
        reduce.Extend([(A, [0])], B, clock.GetTimestamp());
        clock.Advance(TimeSpan.FromSeconds(1));
        reduce.HopDone(0, A, clock.GetTimestamp());

        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(reduce.Stalled(clock, timeout)); // B's hop waits for shard 2's result: a compute matter, not a relay's

        reduce.Extend([(A, [0]), (B, [1]), (C, [2])], null, clock.GetTimestamp());
        reduce.Complete([A, B, C], clock.GetTimestamp());
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Null(reduce.Stalled(clock, timeout));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((1, B), reduce.Stalled(clock, timeout) is { } stalled ? (stalled.Hop, stalled.Worker) : default);
    }

    [Fact]
    public void A_hop_planned_late_is_measured_from_its_plan_at_hop_0_s_pace_and_named_only_when_it_held_the_sum()
    {
        foreach (int heldMs in new[] { 0, 1500 })
        {
            var clock = new FakeTimeProvider();
            var reduce = new ChainReduce(RoundKeeping(A, B, C, A), 0);
            reduce.Extend([(A, [0]), (B, [1])], C, clock.GetTimestamp());
            clock.Advance(TimeSpan.FromMilliseconds(900));
            reduce.HopDone(0, A, clock.GetTimestamp()); // hop 0: the whole sum at its link's pace
            clock.Advance(TimeSpan.FromMilliseconds(10));
            reduce.HopDone(1, B, clock.GetTimestamp());
            clock.Advance(TimeSpan.FromMilliseconds(2000));
            // C's shard came in last: its hop and the last are planned with the complete round, 2 s after hop 1 was done.
            reduce.Extend([(A, [0]), (B, [1]), (C, [2]), (A, [3])], null, clock.GetTimestamp());
            reduce.Complete([A, B, C], clock.GetTimestamp());
            clock.Advance(TimeSpan.FromMilliseconds(900 + heldMs));
            reduce.HopDone(2, C, clock.GetTimestamp());
            clock.Advance(TimeSpan.FromMilliseconds(12));
            reduce.HopDone(3, A, clock.GetTimestamp());

            var named = reduce.Slowest(clock, factor: 4, minimumMs: 200);
            if (heldMs == 0) Assert.Null(named);
            else Assert.Equal((C, 1500.0), named is { } n ? (n.Worker, Math.Round(n.Ms)) : default);
        }
    }

    [Fact]
    public void A_lost_holder_s_results_wait_again_and_go_to_another_worker_first()
    {
        var round = CompleteRound(A, B, A);

        Assert.Equal([0, 2], round.Unkeep(A));

        Assert.False(round.IsComplete);
        Assert.Equal([0, 2], round.Waiting);
        Assert.False(round.TryTakeWaitingFor(A, [A, B], out _));
        Assert.True(round.TryTakeWaitingFor(B, [A, B], out int next));
        Assert.Equal(0, next);
    }

    [Fact]
    public void A_lost_worker_takes_nothing_of_an_evaluation_round_whose_results_carry_what_they_need()
    {
        var round = new ShardRound(4, WorkKind.Evaluate, [Shard], [1L], gradientLength: 0);
        Assert.True(round.TryTakeWaitingFor(A, [A], out int shard));
        round.MarkSent(shard, A, 0);
        Assert.Equal(ResultVerdict.Accepted, round.Offer(A, new ShardCompleted(4, WorkKind.Evaluate, shard, null, 0.5, 1, 1), out _));

        Assert.Empty(round.Unkeep(A));
        Assert.True(round.IsComplete);
    }

    [Fact]
    public void In_blocks_each_worker_takes_its_own_consecutive_shards_first_then_the_end_of_another_s()
    {
        var round = new ShardRound(0, WorkKind.Train, [.. Enumerable.Repeat(Shard, 6)], [.. Enumerable.Repeat(1L, 6)], 2) { GradientsAtWorkers = true };
        WorkerId[] active = [A, B];

        Assert.True(round.TryTakeWaitingFor(B, active, out int first, inBlocks: true));
        Assert.True(round.TryTakeWaitingFor(B, active, out int second, inBlocks: true));
        Assert.True(round.TryTakeWaitingFor(B, active, out int third, inBlocks: true));
        Assert.True(round.TryTakeWaitingFor(B, active, out int stolen, inBlocks: true));

        Assert.Equal([3, 4, 5], new[] { first, second, third });
        Assert.Equal(2, stolen);
    }

    [Fact]
    public void The_hop_the_sum_waits_on_a_shard_timeout_is_the_stalled_one()
    {
        var clock = new FakeTimeProvider();
        var round = CompleteRound(A, B, C);
        var reduce = Planned(round, clock);
        var timeout = TimeSpan.FromSeconds(5);

        clock.Advance(TimeSpan.FromSeconds(2));
        reduce.HopDone(0, A, clock.GetTimestamp());
        reduce.HopDone(1, C, clock.GetTimestamp()); // not B's hop to report: ignored
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Null(reduce.Stalled(clock, timeout));
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal((1, B), reduce.Stalled(clock, timeout) is { } stalled ? (stalled.Hop, stalled.Worker) : default);
    }

    [Fact]
    public void A_hop_after_the_first_much_slower_than_the_others_is_named_and_even_hops_are_not()
    {
        var clock = new FakeTimeProvider();
        var round = CompleteRound(A, B, C, A);
        var slow = Planned(round, clock);
        // Hop 0 sends the whole sum at its link's pace: its 900 ms are not compared with the others' trailing segments.
        foreach (var (hop, worker, ms) in new[] { (0, A, 900), (1, B, 1500), (2, C, 12), (3, A, 10) })
        {
            clock.Advance(TimeSpan.FromMilliseconds(ms));
            slow.HopDone(hop, worker, clock.GetTimestamp());
        }

        var named = slow.Slowest(clock, factor: 4, minimumMs: 200);
        Assert.NotNull(named);
        Assert.Equal(B, named.Value.Worker);
        Assert.Equal(1500, named.Value.Ms, 3);

        var clock2 = new FakeTimeProvider();
        var level = Planned(round, clock2);
        foreach (var (hop, worker) in new[] { (0, A), (1, B), (2, C), (3, A) })
        {
            clock2.Advance(TimeSpan.FromMilliseconds(300));
            level.HopDone(hop, worker, clock2.GetTimestamp());
        }
        Assert.Null(level.Slowest(clock2, factor: 4, minimumMs: 200));
    }

    [Fact]
    public void The_coordinator_takes_the_sum_only_from_the_last_hop_on_the_plan_s_segment_grid()
    {
        var sum = new RelayedSum();
        sum.Expect(version: 7, attempt: 1, hops: 3, lastHopPath: "akka://w/user/worker-3", parameterCount: 5, segmentLength: 2);

        Assert.Null(sum.Take("akka://w/user/worker-2", 7, 1, 3, 0, [1, 2], out string? wrongSender));
        Assert.NotNull(wrongSender);
        Assert.Null(sum.Take("akka://w/user/worker-3", 7, 1, 3, 1, [1, 2], out string? offGrid));
        Assert.NotNull(offGrid);
        Assert.Null(sum.Take("akka://w/user/worker-3", 7, 0, 3, 0, [1, 2], out string? olderAttempt));
        Assert.Null(olderAttempt);
        Assert.Null(sum.Take("akka://w/user/worker-3", 7, 1, 3, 4, [5], out _));
        Assert.Null(sum.Take("akka://w/user/worker-3", 7, 1, 3, 0, [1, 2], out _));
        Assert.Null(sum.Take("akka://w/user/worker-3", 7, 1, 3, 0, [9, 9], out _)); // a second copy: ignored
        var whole = sum.Take("akka://w/user/worker-3", 7, 1, 3, 2, [3, 4], out string? problem);

        Assert.Null(problem);
        Assert.Equal([1f, 2, 3, 4, 5], whole!);
    }
}
