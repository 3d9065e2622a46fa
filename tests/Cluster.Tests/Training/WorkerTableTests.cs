using AttnRnnCluster.Coordinator.Training;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>
/// The worker table each step report carries (what TensorBoard, /metrics and the live page show): shards done, bad
/// results, silence and lateness per worker, on the loop alone with a fake clock.
/// </summary>
public sealed class WorkerTableTests
{
    [Fact]
    public void Each_step_report_names_every_worker_with_its_kept_shards_bad_results_and_lateness()
    {
        var loop = new LoopHarness(steps: 3, minWorkers: 2, plan => plan with { StragglerMinimum = TimeSpan.FromHours(1) });
        var quick = loop.Join("quick");
        var slow = loop.Join("slow");
        bool failedOnce = false;

        for (int round = 0; round < 200 && loop.Loop.Summary == null; round++)
        {
            foreach (var assignment in loop.Pending(quick)) loop.Answer(quick, assignment);
            if (loop.Pending(slow).FirstOrDefault() is not { } next) continue;
            if (!failedOnce)
            {
                failedOnce = true;
                loop.Fail(slow, next);
                continue;
            }
            loop.Clock.Advance(TimeSpan.FromMilliseconds(500));
            loop.Answer(slow, next);
        }

        var reports = loop.Actions.OfType<ReportStep>().Select(r => r.Report).ToList();
        Assert.Equal(3, reports.Count);
        foreach (var report in reports)
        {
            Assert.Equal(["quick", "slow"], report.WorkerTable.Select(w => w.Name));
            Assert.All(report.WorkerTable, w => Assert.Equal(WorkerState.Active, w.State));
        }
        var last = reports[^1].WorkerTable;
        long trainShardsKept = 3 * LoopHarness.ShardsPerStep;
        Assert.Equal(trainShardsKept, last.Sum(w => w.ShardsDone));
        Assert.True(last[1].ShardsDone > 0);
        Assert.Equal(0, last[0].BadResults);
        Assert.Equal(1, last[1].BadResults);
        // The slow worker's shards each took 500 ms on the fake clock, the quick one's none: only it is late.
        Assert.Equal(0, last[0].LatenessMs);
        Assert.True(last[1].LatenessMs > 0, $"lateness {last[1].LatenessMs}");
        Assert.Equal(500, last[1].LastShardMs);
        Assert.Equal(0, reports[^1].WorkersExcluded);
    }
}
