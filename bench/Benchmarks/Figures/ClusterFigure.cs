namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>
/// Issue 7 item 2: coordinator + worker processes on loopback, global batch 256, against PyTorch DDP (2 ranks ×
/// 1 thread) and against one worker; every micro-batch size in a table, runs alternating with the peer.
/// </summary>
public static class ClusterFigure
{
    private const int SeqLen = 100, Hidden = 64, Batch = 256, Steps = 15;
    private static readonly int[] MicroBatches = [32, 64, 128];

    public static async Task RunAsync(PythonPeer? peer)
    {
        Report.Heading($"cluster: coordinator + worker processes (1 thread each) on loopback, adding T={SeqLen} H={Hidden} global batch {Batch}");
        // The peer runs before and after ours, so both see the same stretch of the machine's load.
        var ddp = new List<double>();
        if (peer != null) ddp.Add(await peer.DdpAsync(world: 2, steps: 4, SeqLen, Hidden, Batch));
        var ours = new Dictionary<(int Workers, int MicroBatch), double>();
        foreach (int microBatch in MicroBatches)
        {
            foreach (int workers in new[] { 2, 1 })
                ours[(workers, microBatch)] = (await new TrainingRun(SeqLen, Hidden, Batch, microBatch, Steps).ClusterAsync(workers)).MedianExamplesPerSecond;
        }
        if (peer != null) ddp.Add(await peer.DdpAsync(world: 2, steps: 4, SeqLen, Hidden, Batch));

        Report.Line("micro-batch | 1 worker seq/s | 2 workers seq/s | 2 / 1");
        foreach (int microBatch in MicroBatches)
        {
            double one = ours[(1, microBatch)], two = ours[(2, microBatch)];
            Report.Line($"{microBatch,11} | {one,14:F1} | {two,15:F1} | {two / one:F2}");
        }
        Report.Line($"(each run: the median step after {StepMetrics.WarmUpSteps} warm-up steps of {Steps})");
        int best = MicroBatches.MaxBy(m => ours[(2, m)]);
        double bestTwo = ours[(2, best)];
        Report.Line($"best: 2 workers at micro-batch {best}: {bestTwo:F1} seq/s");
        Report.Goal("2 workers (best) / 1 worker (best)", bestTwo / MicroBatches.Max(m => ours[(1, m)]), goal: 1.8);
        if (peer == null) return;
        Report.Line($"PyTorch DDP, 2 ranks x 1 thread, before and after ours: {Report.Runs(ddp)} seq/s");
        Report.Goal("ours (2 workers, best) / PyTorch DDP", bestTwo / Report.Median(ddp), goal: 2);
    }
}
