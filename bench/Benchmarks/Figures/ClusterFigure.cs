namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>
/// Issue 7 item 2: coordinator + worker processes on loopback, global batch 256, against PyTorch DDP (2 ranks ×
/// 1 thread) and against one worker; every micro-batch size in a table, runs alternating with the peer.
/// </summary>
public static class ClusterFigure
{
    private const int SeqLen = 100, Hidden = 64, Batch = 256, Steps = 20, Rounds = 2;
    private static readonly int[] MicroBatches = [32, 64, 128];
    private static readonly int[] WorkerCounts = [1, 2];

    public static async Task RunAsync(PythonPeer? peer)
    {
        Report.Heading($"cluster: coordinator + worker processes (1 thread each) on loopback, adding T={SeqLen} H={Hidden} global batch {Batch}");
        var ours = (from w in WorkerCounts from m in MicroBatches select (w, m)).ToDictionary(c => c, _ => new List<double>());
        var ddp = new List<double>();
        for (int round = 0; round < Rounds; round++)
        {
            foreach (var ((workers, microBatch), runs) in ours)
                runs.Add((await new TrainingRun(SeqLen, Hidden, Batch, microBatch, Steps).ClusterAsync(workers)).MedianExamplesPerSecond);
            if (peer != null) ddp.Add(await peer.DdpAsync(world: 2, steps: 5, SeqLen, Hidden, Batch));
        }

        Report.Line("micro-batch | 1 worker seq/s | 2 workers seq/s | 2 / 1");
        foreach (int microBatch in MicroBatches)
        {
            double one = Report.Median(ours[(1, microBatch)]), two = Report.Median(ours[(2, microBatch)]);
            Report.Line($"{microBatch,11} | {one,14:F1} | {two,15:F1} | {two / one:F2}");
        }
        Report.Line($"(each a median of {Rounds} runs, each run the median step after {StepMetrics.WarmUpSteps} warm-up steps of {Steps})");
        int best = MicroBatches.MaxBy(m => Report.Median(ours[(2, m)]));
        double bestTwo = Report.Median(ours[(2, best)]);
        double bestOne = MicroBatches.Max(m => Report.Median(ours[(1, m)]));
        Report.Line($"best: 2 workers at micro-batch {best}: {Report.Runs(ours[(2, best)])} seq/s");
        Report.Goal("2 workers (best) / 1 worker (best)", bestTwo / bestOne, goal: 1.8);
        if (peer == null) return;
        Report.Line($"PyTorch DDP, 2 ranks x 1 thread: {Report.Runs(ddp)} seq/s");
        Report.Goal("ours (2 workers, best) / PyTorch DDP", bestTwo / Report.Median(ddp), goal: 2);
    }
}
