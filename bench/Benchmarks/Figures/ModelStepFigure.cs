namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>
/// Issue 7 item 1: the model step (adding T=100, H=64, batch 64, 1 thread) against PyTorch eager, runs
/// alternating; each run's rate over all its timed steps, as the peer measures its own.
/// </summary>
public static class ModelStepFigure
{
    private const int SeqLen = 100, Hidden = 64, Batch = 64, Rounds = 3;

    public static async Task RunAsync(PythonPeer? peer)
    {
        Report.Heading($"model step: ComputeGradient, adding T={SeqLen} H={Hidden} batch {Batch}, 1 thread ({EngineThroughput.EngineName(Hidden)})");
        var ours = new List<double>();
        var theirs = new List<double>();
        for (int round = 0; round < Rounds; round++)
        {
            var times = EngineThroughput.StepMilliseconds(SeqLen, Hidden, Batch, steps: 30);
            ours.Add(times.Count * Batch * 1000 / times.Sum());
            if (peer != null) theirs.Add(await peer.EagerAsync(steps: 10, SeqLen, Hidden, Batch));
        }
        Report.Line($"ours:          {Report.Runs(ours)} seq/s");
        if (peer == null) return;
        Report.Line($"PyTorch eager: {Report.Runs(theirs)} seq/s (its step also runs Adam)");
        Report.Goal("ours / PyTorch eager, median of the rounds' ratios", Report.MedianRatio(ours, theirs), goal: 3);
    }
}
