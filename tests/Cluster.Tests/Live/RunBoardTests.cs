using AttnRnnCluster.Coordinator.Live;
using AttnRnnCluster.Coordinator.Training;
using Microsoft.Extensions.Time.Testing;

namespace AttnRnnCluster.Cluster.Tests.Live;

public sealed class RunBoardTests
{
    private static readonly RunIdentity Identity = new("20261207-071500", "adding: H=8, attention on, batch 24", 345, 1_000_000);

    [Fact]
    public void Before_the_first_step_the_run_waits_for_workers_with_empty_curves()
    {
        var status = new RunBoard(Identity).Snapshot();

        Assert.Equal(RunState.WaitingForWorkers, status.State);
        Assert.Null(status.Latest);
        Assert.Empty(status.TrainLoss.Steps);
        Assert.Empty(status.Workers);
        Assert.Equal(("20261207-071500", 345L, 1_000_000L), (status.RunId, status.Parameters, status.MaxSteps));
    }

    [Fact]
    public void The_snapshot_has_the_latest_step_its_time_parts_the_worker_table_and_the_curves()
    {
        var time = new FakeTimeProvider();
        var board = new RunBoard(Identity, time);
        WorkerStatus[] workers =
        [
            new("worker-1", "akka.tcp://attnrnn@10.0.0.5:4060", WorkerState.Active, 40, 0, 12.5, 0),
            new("worker-2", "akka.tcp://attnrnn@10.0.0.6:4060", WorkerState.Silent, 38, 2, 30, 17.5),
        ];

        for (long step = 1; step <= 10; step++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            board.Step(Reports.Step(step, workers, tokensPerSecond: 5000 + step) with { WorkersExcluded = 1 });
            if (step % 5 == 0) board.Evaluated(new EvalReport(step, 2.0 / step, 40, 3));
        }
        board.Checkpoint(10, isBest: true);
        var status = board.Snapshot();

        Assert.Equal(RunState.Training, status.State);
        Assert.Equal(Enumerable.Range(1, 10).Select(s => (long)s), status.TrainLoss.Steps);
        Assert.Equal(Enumerable.Range(1, 10).Select(s => 1.0 / s), status.TrainLoss.Values);
        Assert.Equal([5L, 10L], status.EvalLoss.Steps);
        Assert.Equal([0.4, 0.2], status.EvalLoss.Values);
        Assert.Equal(1010, status.ExamplesPerSecond.Values[^1]);
        Assert.Equal(5010, status.TokensPerSecond.Values[^1]);
        Assert.Equal(new CurvePoint(10, 0.2), status.LastEval);
        Assert.Equal(10, status.LastCheckpointStep);
        var latest = status.Latest!;
        Assert.Equal((10L, 0.1, 1010.0, 2e-3, 0.25, 90.0), (latest.Step, latest.Loss, latest.ExamplesPerSecond, latest.LearningRate, latest.GradientNorm, latest.EtaSeconds));
        Assert.Equal((20.0, 15.0, 12.0, 3.0, 1.5, 0.5), (latest.StepMs, latest.ComputeSlowestMs, latest.ComputeMedianMs, latest.WaitingMs, latest.ReduceAndOptimizerMs, latest.BroadcastMs));
        Assert.Equal(workers, status.Workers);
        Assert.Equal(1, status.WorkersExcluded);
        Assert.Equal(10, status.ElapsedSeconds);
    }

    [Fact]
    public void A_long_run_keeps_each_curve_within_its_capacity_and_ends_at_the_latest_step()
    {
        var board = new RunBoard(Identity);

        for (long step = 1; step <= 50_000; step++)
        {
            board.Step(Reports.Step(step));
            if (step % 10 == 0) board.Evaluated(new EvalReport(step, 1, 40, 3));
        }
        var status = board.Snapshot();

        Assert.InRange(status.TrainLoss.Steps.Length, RunBoard.CurveCapacity / 2, RunBoard.CurveCapacity + 1);
        Assert.InRange(status.ExamplesPerSecond.Steps.Length, RunBoard.CurveCapacity / 2, RunBoard.CurveCapacity + 1);
        Assert.InRange(status.EvalLoss.Steps.Length, RunBoard.CurveCapacity / 2, RunBoard.CurveCapacity + 1);
        Assert.Equal(1, status.TrainLoss.Steps[0]);
        Assert.Equal(50_000, status.TrainLoss.Steps[^1]);
        Assert.Equal(50_000, status.EvalLoss.Steps[^1]);
    }

    [Theory]
    [InlineData(false, false, RunState.Finished)]
    [InlineData(false, true, RunState.Stopped)]
    [InlineData(true, false, RunState.Failed)]
    public void The_end_of_the_run_shows_how_it_ended_and_why(bool failed, bool stopped, RunState expected)
    {
        var board = new RunBoard(Identity);
        board.Step(Reports.Step(1));

        board.Finished(new RunSummary(1, 1, null, null, false, "the reason", TimeSpan.FromSeconds(3), failed, stopped));

        Assert.Equal((expected, "the reason"), (board.Snapshot().State, board.Snapshot().Reason));
    }

    [Fact]
    public void A_coordinator_failure_shows_what_it_was_doing_and_the_message_without_the_stack_trace()
    {
        var board = new RunBoard(Identity);
        Exception error;
        try
        {
            throw new IOException("No space left on device");
        }
        catch (IOException e)
        {
            error = e;
        }

        board.Failed("writing a checkpoint", error);

        var status = board.Snapshot();
        Assert.Equal(RunState.Failed, status.State);
        Assert.Equal("failed while writing a checkpoint: No space left on device", status.Reason);
    }

    [Fact]
    public void Every_change_moves_the_version_and_a_snapshot_is_not_changed_by_later_steps()
    {
        var board = new RunBoard(Identity);
        board.Step(Reports.Step(1));
        var before = board.Snapshot();

        board.Step(Reports.Step(2));

        Assert.Single(before.TrainLoss.Steps);
        Assert.True(board.Version > before.Version);
        Assert.Equal(board.Version, board.Snapshot().Version);
    }

    [Fact]
    public async Task Steps_reported_while_pages_read_the_board_on_other_threads_are_all_seen()
    {
        var board = new RunBoard(Identity);
        using var done = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                var s = board.Snapshot();
                Assert.Equal(s.TrainLoss.Steps.Length, s.TrainLoss.Values.Length);
            }
        })).ToList();

        for (long step = 1; step <= 20_000; step++) board.Step(Reports.Step(step));
        done.Cancel();
        await Task.WhenAll(readers);

        Assert.Equal(20_000, board.Snapshot().TrainLoss.Steps[^1]);
        Assert.Equal(20_000, board.Version);
    }
}
