using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Protocol.Messages;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>The bookkeeping of one round: plain objects, no actors.</summary>
public sealed class ShardRoundTests
{
    private static readonly WorkerId Worker = new(1);

    private static readonly SequenceBatch Shard = new(1, 1, 1, 1, [1], [0f], null, [0f], null, null);

    private static ShardRound Round(int shards = 3, int gradientLength = 2) =>
        new(version: 4, WorkKind.Train, Enumerable.Repeat(Shard, shards).ToList(), Enumerable.Repeat(1L, shards).ToList(), gradientLength);

    private static ShardCompleted Result(int shard, float[]? gradient = null, long count = 1, long version = 4, double loss = 1) =>
        new(version, WorkKind.Train, shard, gradient ?? [shard, shard], loss, count, 1);

    [Fact]
    public void Results_are_returned_in_shard_order_whatever_the_arrival_order()
    {
        var round = Round();
        var worker = Worker;
        foreach (int shard in new[] { 2, 0, 1 })
            Assert.Equal(ResultVerdict.Accepted, round.Offer(worker, Result(shard), out _));
        Assert.True(round.IsComplete);
        Assert.Equal([0, 1, 2], round.ResultsInShardOrder().Select(r => r.ShardIndex));
    }

    [Fact]
    public void A_second_result_for_a_shard_is_a_duplicate_and_the_first_is_kept()
    {
        var round = Round();
        var worker = Worker;
        round.Offer(worker, Result(1, [5, 5]), out _);
        Assert.Equal(ResultVerdict.Duplicate, round.Offer(worker, Result(1, [9, 9]), out _));
        round.Offer(worker, Result(0), out _);
        round.Offer(worker, Result(2), out _);
        Assert.Equal([5f, 5f], round.ResultsInShardOrder()[1].Gradient!);
    }

    [Theory]
    [InlineData(float.NaN, 1, 1.0, "gradient value 0 is NaN")]
    [InlineData(float.PositiveInfinity, 1, 1.0, "gradient value 0 is")]
    [InlineData(0f, 2, 1.0, "reports 2 loss items, expected 1")]
    [InlineData(0f, 1, double.NaN, "loss sum NaN")]
    public void Invalid_results_are_rejected_with_the_reason_and_the_shard_waits_again(float value, long count, double loss, string expected)
    {
        var round = Round();
        var worker = Worker;
        Assert.True(round.TryTakeWaiting(out int shard));
        round.MarkSent(shard, worker, now: 0);

        var verdict = round.Offer(worker, Result(shard, [value, 0], count, loss: loss), out string? problem);

        Assert.Equal(ResultVerdict.Invalid, verdict);
        Assert.Contains(expected, problem);
        Assert.True(round.TryTakeWaiting(out int again));
        Assert.Equal(shard, again);
    }

    [Fact]
    public void A_gradient_of_the_wrong_size_or_an_unknown_shard_is_invalid()
    {
        var round = Round();
        var worker = Worker;
        Assert.Equal(ResultVerdict.Invalid, round.Offer(worker, Result(0, [1, 2, 3]), out var p1));
        Assert.Contains("3 values, expected 2", p1);
        Assert.Equal(ResultVerdict.Invalid, round.Offer(worker, Result(7), out var p2));
        Assert.Contains("unknown shard 7", p2);
    }

    [Fact]
    public void Results_for_another_version_are_dropped()
    {
        var round = Round();
        Assert.Equal(ResultVerdict.OtherRound, round.Offer(Worker, Result(0, version: 3), out _));
        Assert.Equal(0, round.Completed);
    }

    [Fact]
    public void A_dead_workers_shards_wait_again_unless_another_worker_holds_them()
    {
        var round = Round(shards: 2);
        WorkerId dead = new(1), alive = new(2);
        round.TryTakeWaiting(out int a);
        round.TryTakeWaiting(out int b);
        round.MarkSent(a, dead, now: 0);
        round.MarkSent(b, dead, now: 0);
        round.MarkSent(b, alive, now: 0);

        // One of its two shards goes back to the queue: the other is still with the worker that backed it up.
        Assert.Equal(1, round.ReleaseAll(dead));

        Assert.True(round.TryTakeWaiting(out int waiting));
        Assert.Equal(a, waiting);
        Assert.False(round.TryTakeWaiting(out _));
    }
}
