using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Protocol.Messages;
using Serilog.Events;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>
/// Verified training (<c>--verify-fraction</c>) on the loop alone: audited shards go to a second, different worker; a
/// mismatch is settled by a third before the step is applied; the worker in the minority is named and excluded.
/// </summary>
public sealed class VerificationTests
{
    private static LoopHarness Harness(int steps, int minWorkers, double fraction) =>
        new(steps, minWorkers, plan => plan with { StragglerMinimum = TimeSpan.FromHours(1), VerifyFraction = fraction });

    private static float[] Flipped(float[] gradient)
    {
        var copy = (float[])gradient.Clone();
        copy[0] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(copy[0]) ^ 1);
        return copy;
    }

    [Fact]
    public void The_audited_shards_are_a_seeded_fraction_the_same_on_every_run()
    {
        var loop = Harness(steps: 1, minWorkers: 1, fraction: 0.3);
        var audited = Enumerable.Range(0, 10_000).Where(i => loop.Plan.Audits(i / 100, i % 100)).ToList();
        var again = Enumerable.Range(0, 10_000).Where(i => (loop.Plan with { }).Audits(i / 100, i % 100)).ToList();

        Assert.Equal(audited, again);
        Assert.InRange(audited.Count, 2_800, 3_200);
        Assert.NotEqual(audited, Enumerable.Range(0, 10_000).Where(i => (loop.Plan with { Seed = 12 }).Audits(i / 100, i % 100)));
        Assert.False(loop.Plan with { VerifyFraction = 0 } is var none && Enumerable.Range(0, 1000).Any(i => none.Audits(i, 0)));
        Assert.True(loop.Plan with { VerifyFraction = 1 } is var all && Enumerable.Range(0, 1000).All(i => all.Audits(i, 0)));
    }

    [Fact]
    public void Every_audited_shard_is_computed_by_two_different_workers_before_the_step_is_applied()
    {
        var loop = Harness(steps: 1, minWorkers: 2, fraction: 1);
        var a = loop.Join("a");
        var b = loop.Join("b");

        for (int round = 0; round < 100 && loop.BroadcastVersions().Count == 0; round++)
        {
            foreach (var s in loop.Pending(a)) loop.Answer(a, s);
            foreach (var s in loop.Pending(b)) loop.Answer(b, s);
        }

        Assert.Equal([1L], loop.BroadcastVersions());
        for (int shard = 0; shard < LoopHarness.ShardsPerStep; shard++)
        {
            Assert.Single(loop.AllAssignments(a), s => s.Version == 0 && s.ShardIndex == shard);
            Assert.Single(loop.AllAssignments(b), s => s.Version == 0 && s.ShardIndex == shard);
        }
        Assert.Empty(loop.Notes(LogEventLevel.Warning));
    }

    [Fact]
    public void A_mismatch_is_settled_by_a_third_worker_and_the_one_in_the_minority_is_named_and_excluded()
    {
        var loop = Harness(steps: 1, minWorkers: 3, fraction: 1);
        var liar = loop.Join("liar");
        var b = loop.Join("b");
        var c = loop.Join("c");
        var honest = new float[loop.Parameters];

        for (int round = 0; round < 100 && loop.BroadcastVersions().Count == 0; round++)
        {
            foreach (var s in loop.Pending(liar)) loop.AnswerWith(liar, s, Flipped(honest));
            foreach (var s in loop.Pending(b)) loop.Answer(b, s);
            foreach (var s in loop.Pending(c)) loop.Answer(c, s);
        }

        Assert.Equal([1L], loop.BroadcastVersions());
        var warning = loop.Notes(LogEventLevel.Warning).First(n => n.StartsWith("Verification:", StringComparison.Ordinal));
        Assert.Matches(@"^Verification: the results of .* for shard \d of step 1 differ bit for bit; another worker settles it before the step is applied$", warning);
        var error = Assert.Single(loop.Notes(LogEventLevel.Error));
        Assert.Matches(@"^Excluded worker liar \(in-process\) by verification: its result for shard \d of step 1 differs bit for bit from the one [bc] \(in-process\) and [bc] \(in-process\) agree on$", error);
        Assert.StartsWith("excluded by verification", Assert.Single(loop.SentTo<WorkerRefused>(liar)).Reason);
        Assert.DoesNotContain(liar, loop.Actions.OfType<Broadcast>().Single().To);
        // The step applied the honest (zero) gradient: nothing of the liar's flipped bits went in.
        Assert.Equal(0, loop.Actions.OfType<ReportStep>().Single().Report.GradientNorm);
        Assert.Equal(1, loop.Actions.OfType<ReportStep>().Single().Report.BadResults[BadResultKind.Verification]);
    }

    [Fact]
    public void With_two_workers_a_mismatch_waits_for_a_third_and_the_run_fails_after_the_worker_wait_if_none_comes()
    {
        var loop = Harness(steps: 1, minWorkers: 2, fraction: 1);
        var liar = loop.Join("liar");
        var honest = loop.Join("honest");
        var zero = new float[loop.Parameters];

        for (int round = 0; round < 100; round++)
        {
            foreach (var s in loop.Pending(liar)) loop.AnswerWith(liar, s, Flipped(zero));
            foreach (var s in loop.Pending(honest)) loop.Answer(honest, s);
        }
        Assert.Empty(loop.BroadcastVersions());
        Assert.Null(loop.Loop.Summary);

        loop.Advance(TimeSpan.FromSeconds(1));
        loop.Advance(loop.Plan.WorkerWait - TimeSpan.FromSeconds(1));
        Assert.Null(loop.Loop.Summary);
        loop.Advance(TimeSpan.FromSeconds(1));

        var summary = Assert.IsType<Finish>(loop.Actions[^1]).Summary;
        Assert.True(summary.Failed);
        Assert.StartsWith("step 1 had no worker that may compute its shards (an audited shard needs a worker that has not answered it) for 300s", summary.Reason);
    }

    [Fact]
    public void A_third_worker_that_joins_while_a_mismatch_waits_settles_it()
    {
        var loop = Harness(steps: 1, minWorkers: 2, fraction: 1);
        var liar = loop.Join("liar");
        var honest = loop.Join("honest");
        var zero = new float[loop.Parameters];
        for (int round = 0; round < 100; round++)
        {
            foreach (var s in loop.Pending(liar)) loop.AnswerWith(liar, s, Flipped(zero));
            foreach (var s in loop.Pending(honest)) loop.Answer(honest, s);
        }
        loop.Advance(TimeSpan.FromSeconds(100));

        var late = loop.Join("late");
        for (int round = 0; round < 100 && loop.BroadcastVersions().Count == 0; round++)
            foreach (var s in loop.Pending(late)) loop.Answer(late, s);

        Assert.Equal([1L], loop.BroadcastVersions());
        Assert.Single(loop.SentTo<WorkerRefused>(liar));
    }

    [Fact]
    public void A_lone_worker_cannot_be_verified_the_audit_is_skipped_with_one_warning_and_the_run_goes_on()
    {
        var loop = Harness(steps: 2, minWorkers: 1, fraction: 1);
        var only = loop.Join("only");

        for (int round = 0; round < 100 && loop.Loop.Summary == null; round++)
            foreach (var s in loop.Pending(only)) loop.Answer(only, s);

        Assert.False(Assert.IsType<Finish>(loop.Actions[^1]).Summary.Failed);
        Assert.Equal(["Verification skipped: only one worker (only (in-process)), so no second worker can recompute audited shards; they are kept unverified while it is alone"],
            loop.Notes(LogEventLevel.Warning));
    }

    [Fact]
    public void When_the_only_other_worker_falls_silent_the_audit_is_skipped_instead_of_holding_the_step()
    {
        var loop = new LoopHarness(steps: 1, minWorkers: 2, plan => plan with
        {
            StragglerMinimum = TimeSpan.FromHours(1), VerifyFraction = 1, ShardTimeout = TimeSpan.FromSeconds(5),
        });
        var answering = loop.Join("answering");
        var silent = loop.Join("silent");

        loop.Answer(answering, loop.Pending(answering));
        loop.Advance(TimeSpan.FromSeconds(5));
        for (int round = 0; round < 100 && loop.Loop.Summary == null; round++)
        {
            foreach (var s in loop.Pending(answering)) loop.Answer(answering, s);
            loop.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.False(Assert.IsType<Finish>(loop.Actions[^1]).Summary.Failed);
        Assert.Contains("Verification skipped: only one worker (answering (in-process)), so no second worker can recompute audited shards; they are kept unverified while it is alone",
            loop.Notes(LogEventLevel.Warning));
    }
}
