using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Protocol.Messages;
using Microsoft.Extensions.Time.Testing;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>The chain data plane's bookkeeping: hops in shard order, a stalled hop, a slow relay, the sum put together at the coordinator.</summary>
public sealed class ChainReduceTests
{
    private static readonly WorkerId A = new(1), B = new(2), C = new(3);
    private static readonly SequenceBatch Shard = new(1, 1, 1, 1, [1], [0.5f], null, [1f], null, null);

    private static ShardRound CompleteRound(params WorkerId[] holders)
    {
        var round = new ShardRound(4, WorkKind.Train, [.. holders.Select(_ => Shard)], [.. holders.Select(_ => 1L)], gradientLength: 2) { GradientsAtWorkers = true };
        for (int shard = 0; shard < holders.Length; shard++)
        {
            Assert.True(round.TryTakeWaitingFor(holders[shard], [holders[shard]], out int taken));
            round.MarkSent(taken, holders[shard], 0);
            var digest = new GradientDigest(new byte[GradientDigest.HashLength], 1, true, 1);
            Assert.Equal(ResultVerdict.Accepted, round.Offer(holders[shard], new ShardCompleted(4, WorkKind.Train, taken, null, 0.5, 1, 1, Digest: digest), out _));
        }
        return round;
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
        var reduce = new ChainReduce(round, 0, round.Hops(), [A, B, C], clock.GetTimestamp());
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
        var slow = new ChainReduce(round, 0, round.Hops(), [A, B, C], clock.GetTimestamp());
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
        var level = new ChainReduce(round, 0, round.Hops(), [A, B, C], clock2.GetTimestamp());
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
