using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Protocol.Messages;
using Serilog.Events;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>
/// The coordinator's rules on the training loop alone, with a fake clock and test-made workers: no actors, no
/// threads, no waiting. The small adding run has 5 shards per step and evaluates after step 3.
/// </summary>
public sealed class TrainingLoopTests
{
    private static readonly TimeSpan NoBackups = TimeSpan.FromHours(1);

    [Fact]
    public void Training_starts_when_enough_workers_have_joined_and_each_gets_the_config_and_the_weights()
    {
        var loop = new LoopHarness(steps: 4, minWorkers: 2);
        var first = loop.Join("first");

        Assert.Empty(loop.AllAssignments(first));
        Assert.Contains("Waiting for 1 more worker(s) before training starts (have 1)", loop.Notes(LogEventLevel.Information));

        var second = loop.Join("second");

        foreach (var worker in new[] { first, second })
        {
            var accepted = Assert.Single(loop.SentTo<WorkerAccepted>(worker));
            Assert.Equal(loop.Parameters, accepted.ParameterCount);
            Assert.Equal((int)loop.Plan.ProgressInterval.TotalMilliseconds, accepted.ProgressIntervalMs);
            Assert.Equal(0, Assert.Single(loop.SentTo<WeightsUpdate>(worker)).Version);
        }
        // Registration order, window 2 each: shards 0 and 2 to the first, 1 and 3 to the second; 4 waits for a free slot.
        Assert.Equal([0, 2], loop.AllAssignments(first).Select(a => a.ShardIndex));
        Assert.Equal([1, 3], loop.AllAssignments(second).Select(a => a.ShardIndex));
    }

    [Fact]
    public void The_run_fails_when_too_few_workers_join_within_the_start_timeout()
    {
        var loop = new LoopHarness(steps: 4, minWorkers: 2);
        var lonely = loop.Join("lonely");

        loop.Advance(loop.Plan.StartTimeout - TimeSpan.FromSeconds(1));
        Assert.Null(loop.Loop.Summary);

        loop.Advance(TimeSpan.FromSeconds(1));
        var summary = Assert.IsType<Finish>(loop.Actions[^1]).Summary;
        Assert.True(summary.Failed);
        Assert.Equal($"only 1 of 2 workers joined within {loop.Plan.StartTimeout.TotalSeconds:0}s", summary.Reason);
        Assert.Single(loop.SentTo<TrainingFinished>(lonely));
        Assert.Empty(loop.AllAssignments(lonely));
    }

    [Fact]
    public void A_straggler_is_backed_up_by_an_idle_worker_once_it_is_much_later_than_the_median_and_is_named()
    {
        var loop = new LoopHarness(steps: 4, minWorkers: 2);
        var fast = loop.Join("fast");
        var slow = loop.Join("slow");
        // Step 1: every shard takes 10 ms, so the median is 10 ms and a straggler is one out for max(4 x 10, 200) ms.
        while (loop.Pending(fast, version: 0).Count + loop.Pending(slow, version: 0).Count > 0)
        {
            loop.Advance(TimeSpan.FromMilliseconds(10));
            loop.Answer(fast, loop.Pending(fast, version: 0));
            loop.Answer(slow, loop.Pending(slow, version: 0));
        }
        // Step 2: the fast worker answers everything it gets at once; the slow one sits on its shards.
        while (loop.Pending(fast, version: 1).Count > 0) loop.Answer(fast, loop.Pending(fast, version: 1));
        var held = loop.Pending(slow, version: 1).Select(a => a.ShardIndex).ToList();
        Assert.NotEmpty(held);

        loop.Advance(TimeSpan.FromMilliseconds(190));
        Assert.DoesNotContain(loop.Pending(fast, version: 1), a => held.Contains(a.ShardIndex));

        loop.Advance(TimeSpan.FromMilliseconds(20));
        var backup = Assert.Single(loop.Pending(fast, version: 1));
        Assert.Contains(backup.ShardIndex, held);
        Assert.Contains(loop.Notes(LogEventLevel.Warning), note => note.StartsWith(
            $"Straggler: slow (in-process) has had shard {backup.ShardIndex} of step 2 for 210 ms (", StringComparison.Ordinal)
            && note.EndsWith("; fast (in-process) computes it too", StringComparison.Ordinal));
    }

    [Fact]
    public void The_shard_timeout_measures_silence_so_a_long_shard_stays_with_a_worker_that_says_it_is_computing()
    {
        var loop = new LoopHarness(steps: 4, minWorkers: 2, plan => plan with { ShardTimeout = TimeSpan.FromSeconds(5), StragglerMinimum = NoBackups });
        var busy = loop.Join("busy");
        var other = loop.Join("other");
        loop.Answer(other, loop.Pending(other, version: 0));
        loop.Answer(other, loop.Pending(other, version: 0));
        var computing = loop.Pending(busy, version: 0);
        Assert.Equal([0, 2], computing.Select(a => a.ShardIndex));

        // Twenty seconds of computing, four times the timeout, with a beat every second: nothing is taken away.
        for (int second = 0; second < 20; second++)
        {
            loop.Advance(TimeSpan.FromSeconds(1));
            loop.Beat(busy, computing[0]);
        }
        Assert.Empty(loop.Pending(other, version: 0));
        Assert.DoesNotContain(loop.Notes(LogEventLevel.Warning), note => note.Contains("silent", StringComparison.Ordinal));

        // Then silence for the timeout: both its shards go to the other worker, and it gets no new work.
        loop.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Empty(loop.Pending(other, version: 0));
        loop.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal([0, 2], loop.Pending(other, version: 0).Select(a => a.ShardIndex));
        Assert.Contains("Worker busy (in-process) has been silent for 5s (shard timeout 5s): shard(s) 0, 2 of step 1 go to other workers",
            loop.Notes(LogEventLevel.Warning));
        int before = loop.AllAssignments(busy).Count;
        loop.Answer(other, loop.Pending(other, version: 0));
        Assert.Equal(before, loop.AllAssignments(busy).Count);

        // A word from it, and it is back.
        loop.Beat(busy, computing[0]);
        Assert.Contains("Worker busy (in-process) answered again", loop.Notes(LogEventLevel.Information));
    }

    [Fact]
    public void The_next_steps_shards_go_out_before_its_weights_but_never_across_an_evaluation()
    {
        var loop = new LoopHarness(steps: 4, minWorkers: 1);
        var worker = loop.Join("wide-window", window: 16);

        // Step 1's shards, then step 2's, all before any result: the window has room for both steps.
        var handedOut = loop.NewAssignments(worker);
        Assert.Equal([.. Enumerable.Repeat(0L, LoopHarness.ShardsPerStep), .. Enumerable.Repeat(1L, LoopHarness.ShardsPerStep)], handedOut.Select(a => a.Version));
        Assert.Equal(2 * LoopHarness.ShardsPerStep, handedOut.Select(a => (a.Version, a.ShardIndex)).Distinct().Count());

        // Step 1 done: step 2 is already out, so step 3's shards follow its weights at once.
        loop.Answer(worker, handedOut.Where(a => a.Version == 0));
        Assert.Equal([1L], loop.BroadcastVersions());
        var step3 = loop.NewAssignments(worker);
        Assert.Equal(LoopHarness.ShardsPerStep, step3.Count);
        Assert.All(step3, a => Assert.Equal((2L, WorkKind.Train), (a.Version, a.Kind)));

        // Step 2 done: an evaluation follows step 3, so step 4 is not handed out ahead of it.
        loop.Answer(worker, handedOut.Where(a => a.Version == 1));
        Assert.Equal([1L, 2L], loop.BroadcastVersions());
        Assert.Empty(loop.NewAssignments(worker));

        loop.Answer(worker, step3);
        Assert.Equal([1L, 2L, 3L], loop.BroadcastVersions());
        var evaluation = Assert.Single(loop.NewAssignments(worker));
        Assert.Equal((3L, WorkKind.Evaluate), (evaluation.Version, evaluation.Kind));
    }

    [Fact]
    public void Shards_held_for_the_next_step_never_keep_a_worker_from_this_steps_shards()
    {
        var loop = new LoopHarness(steps: 4, minWorkers: 2, plan => plan with { StragglerMinimum = NoBackups });
        var doomed = loop.Join("doomed");
        var steady = loop.Join("steady");
        Assert.Equal([0, 2], loop.AllAssignments(doomed).Select(a => a.ShardIndex));

        // The steady worker answers step 1's shards 1, 3 and 4; its whole window then holds step 2's shards.
        while (loop.Pending(steady, version: 1).Count < 2)
            loop.Answer(steady, loop.Pending(steady, version: 0).First());
        Assert.Equal([1, 3, 4], loop.AllAssignments(steady).Where(a => a.Version == 0).Select(a => a.ShardIndex));

        // The doomed worker is lost with shards 0 and 2 of step 1: they go to the steady worker regardless.
        loop.Loop.Handle(new WorkerLost(doomed, "stopped"));
        Assert.Equal([0, 2], loop.Pending(steady, version: 0).Select(a => a.ShardIndex));
        Assert.Contains("Worker doomed (in-process) stopped; 2 of its shard(s) go back to the queue; 1 active", loop.Notes(LogEventLevel.Warning));
    }

    [Fact]
    public void A_worker_with_too_many_bad_results_is_excluded_and_cannot_come_back()
    {
        var loop = new LoopHarness(steps: 4, minWorkers: 2);
        var bad = loop.Join("garbler");
        var honest = loop.Join("honest");
        var poison = new float[loop.Parameters + 1];

        for (int sent = 1; sent <= loop.Plan.MaxBadResults; sent++)
        {
            Assert.Empty(loop.SentTo<WorkerRefused>(bad));
            loop.AnswerWith(bad, loop.Pending(bad, version: 0).First(), poison);
            Assert.Contains(loop.Notes(LogEventLevel.Warning), note => note.StartsWith($"Rejected a result from garbler (in-process) ({sent} bad so far)", StringComparison.Ordinal));
        }

        Assert.Equal($"excluded after {loop.Plan.MaxBadResults} bad results", Assert.Single(loop.SentTo<WorkerRefused>(bad)).Reason);
        var again = loop.JoinAs(new WorkerId(999), "garbler");
        Assert.Equal("excluded after repeated bad results", Assert.Single(loop.SentTo<WorkerRefused>(again)).Reason);
        // Every shard of step 1 ends with the honest worker, and the step completes without the excluded one.
        while (loop.Pending(honest, version: 0).Count > 0) loop.Answer(honest, loop.Pending(honest, version: 0));
        Assert.Equal([1L], loop.BroadcastVersions());
        Assert.Equal([honest], loop.Actions.OfType<Broadcast>().Single().To);
    }

    [Fact]
    public void An_excluded_worker_that_comes_back_from_a_new_port_with_the_same_identity_is_refused()
    {
        var loop = new LoopHarness(steps: 4, minWorkers: 2);
        var bad = loop.JoinAs(new WorkerId(1), "nan-sender", location: "akka.tcp://attnrnn@10.0.0.7:40001");
        loop.Join("honest");
        // Mis-sized: a bad result at once (a NaN would first be checked by another worker).
        var poison = new float[loop.Parameters + 1];
        while (loop.SentTo<WorkerRefused>(bad).Count == 0) loop.AnswerWith(bad, loop.Pending(bad, version: 0).First(), poison);

        // The same worker process rejoins from a fresh actor system: a new port, a new actor, the same identity.
        var back = loop.JoinAs(new WorkerId(2), "nan-sender", location: "akka.tcp://attnrnn@10.0.0.7:40002");
        var stranger = loop.JoinAs(new WorkerId(3), "another-process", location: "akka.tcp://attnrnn@10.0.0.7:40003");

        Assert.Equal("excluded after repeated bad results", Assert.Single(loop.SentTo<WorkerRefused>(back)).Reason);
        Assert.Empty(loop.SentTo<WorkerAccepted>(back));
        Assert.Empty(loop.NewAssignments(back));
        Assert.Contains(loop.Notes(LogEventLevel.Warning), note => note.StartsWith("Refused worker nan-sender at akka.tcp://attnrnn@10.0.0.7:40002: its identity nan-sender-identity@in-process was excluded", StringComparison.Ordinal));
        Assert.Single(loop.SentTo<WorkerAccepted>(stranger));
    }

    [Fact]
    public void A_worker_of_another_protocol_revision_is_refused_with_the_reason()
    {
        var loop = new LoopHarness(steps: 1, minWorkers: 1);
        var old = loop.Join("old", revision: ProtocolRevision.Current - 1);

        var refused = Assert.Single(loop.SentTo<WorkerRefused>(old));
        Assert.Contains($"protocol revision {ProtocolRevision.Current - 1} is not this coordinator's {ProtocolRevision.Current}", refused.Reason);
        Assert.Empty(loop.SentTo<WorkerAccepted>(old));
    }

    [Fact]
    public void A_stop_saves_the_steps_done_since_the_last_checkpoint_and_leaves_the_workers_waiting()
    {
        var loop = new LoopHarness(steps: 40, minWorkers: 1);
        var worker = loop.Join("only");
        while (loop.BroadcastVersions().Count < 7) loop.Answer(worker, loop.Pending(worker));
        Assert.Contains(5L, loop.Actions.OfType<WriteCheckpoint>().Select(c => c.Step));

        loop.Loop.Handle(new StopRequested("stopped by SIGTERM"));

        Assert.Equal(7, loop.Actions.OfType<WriteCheckpoint>().Last().Step);
        var summary = Assert.IsType<Finish>(loop.Actions[^1]).Summary;
        Assert.True(summary.Stopped);
        Assert.False(summary.Finished);
        Assert.Equal((7L, "stopped by SIGTERM"), (summary.Steps, summary.Reason));
        Assert.Empty(loop.SentTo<TrainingFinished>(worker));
    }

    [Fact]
    public void A_stop_right_after_a_checkpoint_writes_none_again()
    {
        var loop = new LoopHarness(steps: 40, minWorkers: 1);
        var worker = loop.Join("only");
        while (loop.BroadcastVersions().Count < 5) loop.Answer(worker, loop.Pending(worker));
        int written = loop.Actions.OfType<WriteCheckpoint>().Count();

        loop.Loop.Handle(new StopRequested("stopped by SIGINT"));

        Assert.Equal(written, loop.Actions.OfType<WriteCheckpoint>().Count());
        Assert.True(Assert.IsType<Finish>(loop.Actions[^1]).Summary.Stopped);
    }

    [Fact]
    public void A_worker_that_joins_a_finished_run_is_told_it_is_over()
    {
        var loop = new LoopHarness(steps: 1, minWorkers: 1);
        var worker = loop.Join("only");
        while (loop.Loop.Summary == null) loop.Answer(worker, loop.Pending(worker));

        var late = loop.Join("late");

        Assert.Equal("reached the step cap (1)", Assert.Single(loop.SentTo<TrainingFinished>(late)).Reason);
        Assert.Empty(loop.SentTo<WorkerAccepted>(late));
    }
}
