using AttnRnnCluster.Coordinator.Options;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Protocol.Messages;
using Serilog.Events;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>
/// Issue 16 on the training loop alone (fake clock, test-made workers): failures count as bad results and go to
/// another worker first, absurd or non-finite results get a second opinion, impossible compute times are bad results,
/// and a round nobody can compute waits at most <c>--worker-wait</c> before the run fails with a checkpoint.
/// </summary>
public sealed class LoopFaultTests
{
    private static readonly TimeSpan NoBackups = TimeSpan.FromHours(1);

    private static LoopHarness Harness(int steps, int minWorkers, Func<TrainingOptions, TrainingOptions>? options = null) =>
        new(steps, minWorkers, plan => plan with { StragglerMinimum = NoBackups }, options);

    private static RunSummary Summary(LoopHarness loop) => Assert.IsType<Finish>(loop.Actions[^1]).Summary;

    /// <summary>A step report's count of the run's bad results by kind.</summary>
    private static Dictionary<BadResultKind, long> BadResults(long invalid = 0, long outlier = 0, long failed = 0, long verification = 0) => new()
    {
        [BadResultKind.Invalid] = invalid,
        [BadResultKind.Outlier] = outlier,
        [BadResultKind.Failed] = failed,
        [BadResultKind.Verification] = verification,
    };

    [Fact]
    public void A_worker_that_fails_every_shard_cannot_stop_a_step_its_shards_go_to_the_other_first_and_it_is_excluded()
    {
        var loop = Harness(steps: 2, minWorkers: 2);
        var failing = loop.Join("failing");
        var steady = loop.Join("steady");
        var failed = new List<(long, int)>();

        for (int round = 0; round < 200 && loop.Loop.Summary == null; round++)
        {
            foreach (var assignment in loop.Pending(failing))
            {
                failed.Add((assignment.Version, assignment.ShardIndex));
                loop.Fail(failing, assignment);
            }
            if (loop.Pending(steady).FirstOrDefault() is { } next) loop.Answer(steady, next);
        }

        var summary = Summary(loop);
        Assert.False(summary.Failed, summary.Reason);
        Assert.Equal(2, summary.Steps);
        Assert.Equal(loop.Plan.MaxBadResults, failed.Count);
        Assert.Equal($"excluded after {loop.Plan.MaxBadResults} bad results", Assert.Single(loop.SentTo<WorkerRefused>(failing)).Reason);
        Assert.Contains(loop.Notes(LogEventLevel.Warning), n => n.StartsWith("Worker failing (in-process) could not compute shard 0 of step 1 (1 bad so far): cannot compute", StringComparison.Ordinal));
        Assert.Equal(BadResults(failed: loop.Plan.MaxBadResults), loop.Actions.OfType<ReportStep>().Last().Report.BadResults);
        // Each shard it failed went to the steady worker, never back to it.
        var steadyGot = loop.AllAssignments(steady).Select(a => (a.Version, a.ShardIndex)).ToList();
        Assert.All(failed, f => Assert.Contains(f, steadyGot));
        Assert.Equal(failed.Count, failed.Distinct().Count());
    }

    [Fact]
    public void A_lone_worker_that_fails_every_shard_is_excluded_and_the_run_fails_after_the_worker_wait_instead_of_livelocking()
    {
        var loop = Harness(steps: 2, minWorkers: 1);
        var failing = loop.Join("failing");

        int failures = 0;
        for (; failures < 100 && loop.SentTo<WorkerRefused>(failing).Count == 0; failures++)
            loop.Fail(failing, loop.Pending(failing).First());

        Assert.Equal(loop.Plan.MaxBadResults, failures);
        Assert.Single(loop.SentTo<WorkerRefused>(failing));
        Assert.Contains($"No workers left: training waits up to {loop.Plan.WorkerWait.TotalSeconds:0}s (--worker-wait) for one to join, then fails with a checkpoint",
            loop.Notes(LogEventLevel.Warning));

        // The wait starts with the first tick that finds nobody: the actor ticks every few hundred milliseconds.
        loop.Advance(TimeSpan.FromSeconds(1));
        loop.Advance(loop.Plan.WorkerWait - TimeSpan.FromSeconds(1));
        Assert.Null(loop.Loop.Summary);
        loop.Advance(TimeSpan.FromSeconds(1));

        var summary = Summary(loop);
        Assert.True(summary.Failed);
        Assert.Equal($"step 1 had no worker for {loop.Plan.WorkerWait.TotalSeconds:0}s (--worker-wait {loop.Plan.WorkerWait.TotalSeconds:0}); the 0 step(s) done are in the newest checkpoint", summary.Reason);
        Assert.Empty(loop.Actions.OfType<WriteCheckpoint>());
    }

    [Fact]
    public void When_the_last_worker_is_gone_the_run_waits_for_the_worker_wait_then_saves_the_steps_done_and_fails()
    {
        var loop = Harness(steps: 40, minWorkers: 1);
        var only = loop.Join("only");
        while (loop.BroadcastVersions().Count < 7) loop.Answer(only, loop.Pending(only));
        loop.Loop.Handle(new WorkerLost(only, "stopped"));

        // A worker that comes back within the wait resets it.
        loop.Advance(loop.Plan.WorkerWait - TimeSpan.FromSeconds(1));
        var back = loop.Join("back");
        loop.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(loop.Loop.Summary);
        loop.Loop.Handle(new WorkerLost(back, "stopped"));
        loop.Advance(TimeSpan.FromSeconds(1));
        loop.Advance(loop.Plan.WorkerWait - TimeSpan.FromSeconds(1));
        Assert.Null(loop.Loop.Summary);
        loop.Advance(TimeSpan.FromSeconds(1));

        var summary = Summary(loop);
        Assert.True(summary.Failed);
        Assert.False(summary.Finished);
        Assert.StartsWith("step 8 had no worker for 300s (--worker-wait 300); the 7 step(s) done are in the newest checkpoint", summary.Reason);
        Assert.Equal(7, loop.Actions.OfType<WriteCheckpoint>().Last().Step);
    }

    [Fact]
    public void A_result_claiming_infinite_compute_time_is_a_bad_result_and_a_finite_overclaim_is_cut_to_the_time_the_step_has_lasted()
    {
        var loop = Harness(steps: 1, minWorkers: 2);
        var liar = loop.Join("liar");
        var boaster = loop.Join("boaster");

        loop.Advance(TimeSpan.FromMilliseconds(10));
        var lie = loop.Pending(liar).First();
        loop.AnswerWith(liar, lie, loop.Filled(lie, 0), computeMs: double.PositiveInfinity);
        Assert.Contains($"Rejected a result from liar (in-process) (1 bad so far): shard {lie.ShardIndex} reports compute time Infinity ms; the shard is computed again, by another worker first",
            loop.Notes(LogEventLevel.Warning));
        while (loop.Loop.Summary == null)
        {
            foreach (var a in loop.Pending(boaster)) loop.AnswerWith(boaster, a, loop.Filled(a, 0), computeMs: 1e12);
            foreach (var a in loop.Pending(liar)) loop.Answer(liar, a);
        }

        var step = loop.Actions.OfType<ReportStep>().Single().Report;
        Assert.Equal(BadResults(invalid: 1), step.BadResults);
        Assert.True(double.IsFinite(step.ComputeSlowestMs) && step.ComputeSlowestMs <= step.StepMs, $"slowest {step.ComputeSlowestMs} ms, step {step.StepMs} ms; " + string.Join("\n", loop.Notes(LogEventLevel.Warning)));
        Assert.False(Summary(loop).Failed);
    }

    [Fact]
    public void A_finite_but_absurd_gradient_is_recomputed_by_another_worker_before_the_step_and_counts_against_its_sender()
    {
        var loop = Harness(steps: 1, minWorkers: 2);
        var huge = loop.Join("huge");
        var honest = loop.Join("honest");
        var doubted = new List<int>();

        for (int round = 0; round < 100 && loop.Loop.Summary == null; round++)
        {
            foreach (var a in loop.Pending(huge))
            {
                var gradient = loop.Filled(a, 1)!;
                gradient[0] = 1e30f;
                doubted.Add(a.ShardIndex);
                loop.AnswerWith(huge, a, gradient);
            }
            foreach (var a in loop.Pending(honest)) loop.AnswerWith(honest, a, loop.Filled(a, 1));
        }

        Assert.False(Summary(loop).Failed);
        Assert.Contains(loop.Notes(LogEventLevel.Warning), n => n.StartsWith($"Shard {doubted[0]} of step 1 from huge (in-process) has gradient norm 1E+30, over 1000 times the step's smallest", StringComparison.Ordinal));
        Assert.Contains(loop.Notes(LogEventLevel.Warning), n => n.StartsWith($"Rejected a result from huge (in-process) (1 bad so far): its result for shard {doubted[0]} of step 1 (not finite, or of an absurd norm) differs from the one honest (in-process) computed again", StringComparison.Ordinal));
        // The step applied the honest gradient (all ones): its norm is the honest one, not 1e30.
        var step = loop.Actions.OfType<ReportStep>().Single().Report;
        Assert.True(step.GradientNorm < 1e3, $"gradient norm {step.GradientNorm}");
        Assert.Equal(BadResults(outlier: doubted.Count), step.BadResults);
    }

    [Fact]
    public void An_honest_outlier_confirmed_by_a_second_worker_is_kept_and_nobody_is_blamed()
    {
        var loop = Harness(steps: 1, minWorkers: 2);
        var a = loop.Join("a");
        var b = loop.Join("b");
        // Shard 0's gradient is large whoever computes it (a pure function of weights and shard).
        float[]? Honest(ShardAssignment s) { var g = loop.Filled(s, 1); if (g != null && s.ShardIndex == 0) g[0] = 1e30f; return g; }

        for (int round = 0; round < 100 && loop.Loop.Summary == null; round++)
        {
            foreach (var s in loop.Pending(a)) loop.AnswerWith(a, s, Honest(s));
            foreach (var s in loop.Pending(b)) loop.AnswerWith(b, s, Honest(s));
        }

        Assert.False(Summary(loop).Failed);
        Assert.Contains(loop.Notes(LogEventLevel.Warning), n => n.StartsWith("Shard 0 of step 1 from a (in-process) has gradient norm 1E+30", StringComparison.Ordinal));
        Assert.DoesNotContain(loop.Notes(LogEventLevel.Warning), n => n.Contains("bad so far", StringComparison.Ordinal));
        Assert.Equal([0, 0], loop.Actions.OfType<Send>().Where(s => s.Message is ShardAssignment { ShardIndex: 0, Version: 0 }).Select(s => ((ShardAssignment)s.Message).ShardIndex));
    }

    [Fact]
    public void A_nan_from_one_worker_is_settled_by_another_and_counts_against_it()
    {
        var loop = Harness(steps: 1, minWorkers: 2);
        var broken = loop.Join("broken");
        var honest = loop.Join("honest");
        var first = loop.Pending(broken).First();

        loop.AnswerWith(broken, first, loop.Filled(first, float.NaN));
        Assert.Contains($"Worker broken (in-process) sent a result that is not finite for shard {first.ShardIndex} of step 1: another worker recomputes it (if its result is not finite either, the model has diverged)",
            loop.Notes(LogEventLevel.Warning));
        for (int round = 0; round < 100 && loop.Loop.Summary == null; round++)
        {
            foreach (var a in loop.Pending(honest)) loop.Answer(honest, a);
            foreach (var a in loop.Pending(broken)) loop.Answer(broken, a);
        }

        Assert.False(Summary(loop).Failed);
        Assert.Contains(loop.Notes(LogEventLevel.Warning), n => n.StartsWith("Rejected a result from broken (in-process) (1 bad so far)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_nan_gradient_from_two_workers_means_the_model_diverged_and_the_run_fails_naming_the_intact_checkpoint()
    {
        var loop = Harness(steps: 40, minWorkers: 2);
        var a = loop.Join("a");
        var b = loop.Join("b");
        while (loop.BroadcastVersions().Count < 6)
        {
            loop.Answer(a, loop.Pending(a));
            loop.Answer(b, loop.Pending(b));
        }

        for (int round = 0; round < 100 && loop.Loop.Summary == null; round++)
        {
            foreach (var s in loop.Pending(a, version: 6)) loop.AnswerWith(a, s, loop.Filled(s, float.NaN));
            foreach (var s in loop.Pending(b, version: 6)) loop.AnswerWith(b, s, loop.Filled(s, float.NaN));
        }

        var summary = Summary(loop);
        Assert.True(summary.Failed, string.Join("\n", loop.Notes(LogEventLevel.Warning)));
        Assert.StartsWith("step 6: the loss (5) or gradient norm (NaN) is not finite", summary.Reason);
        Assert.EndsWith("the newest checkpoint (step 5) is intact", summary.Reason);
        Assert.Equal(5, loop.Actions.OfType<WriteCheckpoint>().Last().Step);
        Assert.DoesNotContain(loop.Notes(LogEventLevel.Warning), n => n.Contains("bad so far", StringComparison.Ordinal));
    }

    [Fact]
    public void A_held_out_loss_that_is_infinite_for_two_workers_ends_the_run_failed_instead_of_blaming_them()
    {
        var loop = Harness(steps: 3, minWorkers: 2);
        var a = loop.Join("a");
        var b = loop.Join("b");
        for (int round = 0; round < 200 && loop.Loop.Summary == null; round++)
        {
            foreach (var s in loop.Pending(a)) loop.AnswerWith(a, s, loop.Filled(s, 0), loss: s.Kind == WorkKind.Evaluate ? double.PositiveInfinity : 1);
            foreach (var s in loop.Pending(b)) loop.AnswerWith(b, s, loop.Filled(s, 0), loss: s.Kind == WorkKind.Evaluate ? double.PositiveInfinity : 1);
        }

        var summary = Summary(loop);
        Assert.True(summary.Failed);
        Assert.Equal("the held-out loss after step 3 is Infinity: the model has diverged (lower --lr or set --clip); no checkpoint was written yet", summary.Reason);
        Assert.Empty(loop.Actions.OfType<ReportEvaluation>());
        Assert.Empty(loop.SentTo<WorkerRefused>(a).Concat(loop.SentTo<WorkerRefused>(b)));
    }

    [Fact]
    public void A_lone_workers_absurd_gradient_cannot_be_checked_by_anyone_and_is_kept_once_instead_of_doubted_for_ever()
    {
        var loop = Harness(steps: 1, minWorkers: 1);
        var only = loop.Join("only");

        for (int round = 0; round < 100 && loop.Loop.Summary == null; round++)
        {
            foreach (var s in loop.Pending(only))
            {
                var gradient = loop.Filled(s, 1);
                if (gradient != null && s.ShardIndex == 0) gradient[0] = 1e30f;
                loop.AnswerWith(only, s, gradient);
            }
        }

        Assert.False(Summary(loop).Failed);
        Assert.Single(loop.Notes(LogEventLevel.Warning), n => n.StartsWith("Shard 0 of step 1 from only (in-process) has gradient norm 1E+30", StringComparison.Ordinal));
    }
}
