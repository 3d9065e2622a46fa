using System.Globalization;

namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>
/// Issue 16 item 7: the cost of verified training. The coordinator and 3 worker actors in this process (3, so that a
/// mismatch could be settled), at --verify-fraction 0, 0.02 and 1, runs alternating; per-step medians after warm-up,
/// and each fraction against 0 as the median of the rounds' ratios.
/// </summary>
public static class VerifyFigure
{
    private const int SeqLen = 100, Hidden = 64, Batch = 64, MicroBatch = 16, Steps = 30, Rounds = 3, Workers = 3;
    private static readonly double[] Fractions = [0, 0.02, 1];

    public static async Task RunAsync()
    {
        Report.Heading($"verified training: coordinator + {Workers} worker actors, adding T={SeqLen} H={Hidden} batch {Batch} micro-batch {MicroBatch}, 1 thread each");
        var runs = Fractions.ToDictionary(f => f, _ => new List<double>());
        for (int round = 0; round < Rounds; round++)
        {
            foreach (var (fraction, rates) in runs)
            {
                var run = new TrainingRun(SeqLen, Hidden, Batch, MicroBatch, Steps)
                {
                    Extra = ["--verify-fraction", fraction.ToString(CultureInfo.InvariantCulture)],
                };
                rates.Add((await run.InThisProcessAsync(localWorkers: Workers)).MedianExamplesPerSecond);
            }
        }
        foreach (var (fraction, rates) in runs)
            Report.Line($"--verify-fraction {fraction,-4}: {Report.Runs(rates)} seq/s");
        foreach (var fraction in Fractions.Skip(1))
            Report.Line($"--verify-fraction {fraction} / 0, median of the rounds' ratios: {Report.MedianRatio(runs[fraction], runs[0]):0.00}");
    }
}
