using System.Globalization;

namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>
/// Issue 7 item 4: how step time grows with T, H, batch (one ComputeGradient, 1 thread, against PyTorch eager's
/// training step) and with workers (the coordinator's step with 1 or 2 in-process worker actors); a table and
/// docs/performance-growth.svg. Ours is the median step of one run; the peer's its mean over its 2 timed steps.
/// </summary>
public static class GrowthFigure
{
    private const int SeqLen = 100, Hidden = 64, Batch = 64;

    public static async Task RunAsync(PythonPeer? peer)
    {
        Report.Heading("growth: step time against T, H, batch and workers (ms per step)");
        var panels = new List<GrowthPanel>
        {
            await ModelPanel("T", $"H={Hidden}, batch {Batch}", [25, 50, 100, 200, 512], t => (t, Hidden, Batch), [1, 2], peer),
            await ModelPanel("H", $"T={SeqLen}, batch {Batch}", [32, 64, 128, 256, 512, 1024], h => (SeqLen, h, Batch), [1, 2], peer),
            await ModelPanel("batch", $"T={SeqLen}, H={Hidden}", [16, 64, 256], b => (SeqLen, Hidden, b), [1], peer),
            await WorkersPanel(),
        };
        Report.Line("setting | value | ours ms | PyTorch eager ms | ours / first value | peer / first value");
        foreach (var panel in panels)
        {
            var first = panel.Points[0];
            foreach (var point in panel.Points)
                Report.Line($"{panel.Setting,7} | {point.Value,5} | {point.OursMs,7:F1} | {Optional(point.PeerMs),16} | {point.OursMs / first.OursMs,18:F2} | {Optional(point.PeerMs / first.PeerMs, "F2"),17}");
        }
        string svg = Path.Combine(Repository.Docs, "performance-growth.svg");
        File.WriteAllText(svg, GrowthPlot.Render(panels, $"Step time growth ({DateTime.Now:yyyy-MM-dd}, {Environment.ProcessorCount} cores, load average {Machine.LoadAverage()})"));
        Report.Line($"plot: {svg}");
    }

    private static async Task<GrowthPanel> ModelPanel(string setting, string fixedSettings, int[] values,
        Func<int, (int SeqLen, int Hidden, int Batch)> shape, int[] referencePowers, PythonPeer? peer)
    {
        var points = new List<GrowthPoint>();
        foreach (int value in values)
        {
            var (seqLen, hidden, batch) = shape(value);
            // The median step: one run per point, so a step preempted by another process must not bend the curve.
            double ours = Report.Median(EngineThroughput.StepMilliseconds(seqLen, hidden, batch, steps: 8));
            double? theirs = peer == null ? null : MillisecondsPerStep(batch, await peer.EagerAsync(steps: 2, seqLen, hidden, batch));
            points.Add(new GrowthPoint(value, ours, theirs));
        }
        return new GrowthPanel(setting, $"{fixedSettings}; one ComputeGradient (peer: a training step)", points, referencePowers);
    }

    private static async Task<GrowthPanel> WorkersPanel()
    {
        const int batch = 256, microBatch = 128;
        var points = new List<GrowthPoint>();
        foreach (int workers in new[] { 1, 2 })
        {
            var metrics = await new TrainingRun(SeqLen, Hidden, batch, microBatch, Steps: 15).InThisProcessAsync(workers);
            points.Add(new GrowthPoint(workers, metrics.MedianStepMs, null));
        }
        return new GrowthPanel("workers", $"T={SeqLen}, H={Hidden}, batch {batch}, micro-batch {microBatch}; a coordinator step, in process", points, [-1]);
    }

    private static double MillisecondsPerStep(int batch, double sequencesPerSecond) => batch * 1000 / sequencesPerSecond;

    private static string Optional(double? value, string format = "F1") =>
        value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
}
