using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>The bookkeeping of one round: plain objects, no actors.</summary>
public sealed class ShardRoundTests
{
    private static readonly WorkerId Worker = new(1);

    private static readonly SequenceBatch Shard = new(1, 1, 1, 1, [1], [0f], null, [0f], null, null);

    private static ShardRound Round(int shards = 3, int gradientLength = 2) =>
        new(version: 4, WorkKind.Train, Enumerable.Repeat(Shard, shards).ToList(), Enumerable.Repeat(1L, shards).ToList(), gradientLength);

    private static ShardCompleted Result(int shard, float[]? gradient = null, long count = 1, long version = 4, double loss = 1, double computeMs = 1) =>
        new(version, WorkKind.Train, shard, gradient ?? [shard, shard], loss, count, computeMs);

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
    [InlineData(0f, 2, 1.0, 1.0, "reports 2 loss items, expected 1")]
    [InlineData(0f, 1, -1.0, 1.0, "loss sum -1")]
    [InlineData(2e38f, 1, 1.0, 1.0, "gradient value 0 is 2E+38, which would overflow the step's sum")]
    [InlineData(0f, 1, 1e308, 1.0, "which would overflow the round's sum")]
    [InlineData(0f, 1, 1.0, double.PositiveInfinity, "compute time Infinity ms")]
    [InlineData(0f, 1, 1.0, double.NaN, "compute time NaN ms")]
    [InlineData(0f, 1, 1.0, -5.0, "compute time -5 ms")]
    public void Invalid_results_are_rejected_with_the_reason_and_the_shard_waits_again(float value, long count, double loss, double computeMs, string expected)
    {
        var round = Round();
        var worker = Worker;
        Assert.True(round.TryTakeWaiting(out int shard));
        round.MarkSent(shard, worker, now: 0);

        var verdict = round.Offer(worker, Result(shard, [value, 0], count, loss: loss, computeMs: computeMs), out string? problem);

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

    [Theory]
    [InlineData(float.NaN, 1.0)]
    [InlineData(float.PositiveInfinity, 1.0)]
    [InlineData(0f, double.PositiveInfinity)]
    public void A_result_that_is_not_finite_is_held_until_another_worker_answers_and_a_finite_answer_wins(float value, double loss)
    {
        var round = Round();
        WorkerId broken = new(1), honest = new(2);
        List<WorkerId> both = [broken, honest];
        round.TryTakeWaiting(out int shard);
        round.MarkSent(shard, broken, now: 0);

        Assert.Equal(ResultVerdict.Held, round.Offer(broken, Result(shard, [value, 0], loss: loss), out _));
        // It waits again, for the other worker only.
        Assert.False(round.MayTake(broken, shard, both));
        Assert.True(round.TryTakeWaitingFor(honest, both, out int again));
        Assert.Equal(shard, again);
        round.MarkSent(shard, honest, now: 1);

        Assert.Equal(ResultVerdict.Accepted, round.Offer(honest, Result(shard), out _));
        Assert.Equal([broken], round.DissentersOf(shard));
        Assert.Equal(honest, round.KeptFrom(shard));
    }

    [Theory]
    [InlineData(WirePrecision.F32, WirePrecision.Bf16)]
    [InlineData(WirePrecision.Bf16, WirePrecision.F32)]
    public void A_gradient_in_another_precision_than_the_runs_is_invalid(WirePrecision run, WirePrecision sent)
    {
        var round = new ShardRound(version: 4, WorkKind.Train, [Shard], [1L], gradientLength: 2) { GradientPrecision = run };
        round.TryTakeWaiting(out int shard);
        round.MarkSent(shard, Worker, now: 0);

        var verdict = round.Offer(Worker, Result(shard, [1, 2]) with { GradientPrecision = sent }, out string? problem);

        Assert.Equal(ResultVerdict.Invalid, verdict);
        Assert.Equal($"shard 0 gradient came in {sent.Name()}, this run's is {run.Name()}", problem);
        Assert.Equal(ResultVerdict.Accepted, round.Offer(Worker, Result(shard, [1, 2]) with { GradientPrecision = run }, out _));
    }

    [Fact]
    public void A_bf16_gradient_that_overflowed_to_infinity_is_not_finite_and_waits_for_another_worker()
    {
        // A worker's gradient value above bf16's largest (3.39e38) becomes infinity when the worker rounds it.
        float[] gradient = [3.4e38f, 1];
        BFloat16.Round(gradient);
        var round = new ShardRound(version: 4, WorkKind.Train, [Shard], [1L], gradientLength: 2) { GradientPrecision = WirePrecision.Bf16 };

        var verdict = round.Offer(Worker, Result(0, gradient) with { GradientPrecision = WirePrecision.Bf16 }, out string? problem);

        Assert.Null(problem);
        Assert.Equal(ResultVerdict.Held, verdict);
        Assert.False(round.IsComplete);
    }

    [Fact]
    public void Two_workers_with_results_that_are_not_finite_mean_the_model_diverged_and_the_result_is_kept()
    {
        var round = Round(shards: 1);
        WorkerId first = new(1), second = new(2);
        Assert.Equal(ResultVerdict.Held, round.Offer(first, Result(0, [float.NaN, 0]), out _));
        Assert.Equal(ResultVerdict.Accepted, round.Offer(second, Result(0, [float.NaN, 0]), out _));
        Assert.True(round.IsComplete);
        Assert.Empty(round.DissentersOf(0));
        Assert.True(float.IsNaN(round.ResultsInShardOrder()[0].Gradient![0]));
    }

    [Fact]
    public void A_failed_shard_goes_to_another_worker_first_and_back_to_the_same_one_only_when_every_one_has_had_it()
    {
        var round = Round(shards: 1);
        WorkerId failing = new(1), other = new(2);
        List<WorkerId> both = [failing, other];
        round.TryTakeWaitingFor(failing, both, out int shard);
        round.MarkSent(shard, failing, now: 0);

        Assert.True(round.Release(failing, shard, avoidNextTime: true));

        Assert.False(round.TryTakeWaitingFor(failing, both, out _));
        // Alone (the other gone), it may have the shard again: a lone worker is not starved.
        Assert.True(round.TryTakeWaitingFor(failing, [failing], out _));
    }

    [Fact]
    public void An_audited_shard_is_kept_only_when_two_different_workers_send_the_same_bits_and_a_third_settles_a_mismatch()
    {
        var round = Round(shards: 1);
        WorkerId a = new(1), b = new(2), c = new(3);
        round.Audit(0);

        Assert.Equal(ResultVerdict.Held, round.Offer(a, Result(0, [1, 2]), out _));
        Assert.Equal(ResultVerdict.Duplicate, round.Offer(a, Result(0, [1, 2]), out _));
        Assert.Equal(ResultVerdict.Disputed, round.Offer(b, Result(0, [1, BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(2f) ^ 1)]), out _));
        Assert.False(round.MayTake(a, 0, [a, b, c]));
        Assert.False(round.MayTake(b, 0, [a, b, c]));
        Assert.True(round.MayTake(c, 0, [a, b, c]));

        Assert.Equal(ResultVerdict.Accepted, round.Offer(c, Result(0, [1, 2]), out _));
        Assert.Equal([b], round.DissentersOf(0));
        Assert.Equal([1f, 2f], round.ResultsInShardOrder()[0].Gradient!);
        Assert.True(round.IsConfirmed(0));
    }
}
