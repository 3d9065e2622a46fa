using System.Globalization;

namespace AttnRnnCluster.Benchmarks.Quality;

/// <summary>
/// Issue 18 item 4: model quality at real sizes, fused (attention on) against the plain RNN, as whole runs of the
/// coordinator executable. `quality-adding`: the adding problem at T = 400 and T = 1000 (the seed's long-range
/// claim), three seeds each. `quality-text`: the character LM on tinyshakespeare, the best held-out nats/char
/// within a 30-minute budget. Each writes its curves to docs/model-quality-*.svg and prints a table for
/// docs/model-quality.md.
/// </summary>
public static class QualityFigure
{
    private const string Fused = "#1f77b4", Plain = "#ff7f0e";
    private static readonly int[] Seeds = [1, 2, 3];

    /// <summary>The adding problem: batch 64, Adam 2e-3, clip 1, 3000 steps, 1000 held-out sequences every 100 steps.</summary>
    public static async Task AddingAsync()
    {
        Report.Heading("quality: the adding problem at T = 400 and 1000, fused against plain (held-out MSE)");
        var panels = new List<CurvePanel>();
        foreach (int seqLen in new[] { 400, 1000 })
        {
            var series = new List<CurveSeries>();
            foreach (bool attention in new[] { true, false })
            {
                foreach (int seed in Seeds)
                {
                    var run = new QualityRun($"adding-T{seqLen}-{(attention ? "fused" : "plain")}-s{seed}",
                    [
                        "--task", "adding", "--seq-len", Text(seqLen), "--hidden", "64", "--attention", attention ? "on" : "off",
                        "--batch", "64", "--micro-batch", "32", "--steps", "3000", "--target-loss", "0", "--lr", "0.002", "--clip", "1",
                        "--held-out", "1000", "--eval-every", "100", "--checkpoint-every", "3000", "--seed", Text(seed),
                    ]);
                    var curve = await run.RunAsync(TimeSpan.FromMinutes(60));
                    var firstBelow = curve.FirstOrDefault(p => p.HeldOutLoss < 0.01);
                    Report.Line($"{run.Name}: best {curve.Min(p => p.HeldOutLoss):F4} (step {curve.MinBy(p => p.HeldOutLoss)!.Step}), " +
                        $"below 0.01 first at step {(firstBelow is null ? "never" : Text(firstBelow.Step))}, final {curve[^1].HeldOutLoss:F4}, " +
                        $"{curve[^1].ElapsedSeconds / 60:F1} min");
                    Report.Line($"  curve: {string.Join(" ", curve.Where(p => p.Step % 500 == 0).Select(p => $"{p.Step}:{p.HeldOutLoss:F4}"))}");
                    series.Add(new CurveSeries($"{(attention ? "fused" : "plain RNN")}, seed {seed}", attention ? Fused : Plain, !attention,
                        curve.Select(p => ((double)p.Step, p.HeldOutLoss)).ToList()));
                }
            }
            panels.Add(new CurvePanel($"adding, T = {seqLen}, H = 64, batch 64", "step", series, Goal: 0.01));
        }
        Write("model-quality-adding.svg", panels, "The adding problem: held-out MSE (0.167 = predicting the mean)");
    }

    /// <summary>The character LM on tinyshakespeare: fused against plain, same settings, 30 minutes each.</summary>
    public static async Task TextAsync()
    {
        string data = Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared", "data", "tinyshakespeare.txt"));
        if (!File.Exists(data))
        {
            Report.Line($"quality-text skipped: {data} is absent");
            return;
        }
        Report.Heading("quality: the character LM on tinyshakespeare, fused against plain (held-out nats/char)");
        foreach (bool attention in new[] { true, false })
        {
            var run = new QualityRun(TextRunName(attention), [.. TextOptions(data), "--attention", attention ? "on" : "off"]);
            Report.Line($"{run.Name}: {run.CommandLine.Replace(data, "../shared/data/tinyshakespeare.txt", StringComparison.Ordinal)}");
            await run.RunAsync(TextBudget);
        }
        TextPlot();
    }

    /// <summary>
    /// The table and the plot of the two text runs from their run folders (artifacts/quality/text-fused and
    /// text-plain, as <see cref="TextAsync"/> leaves them), without running them again: `quality-text-plot`.
    /// </summary>
    public static void TextPlot()
    {
        var byStep = new List<CurveSeries>();
        var byMinute = new List<CurveSeries>();
        foreach (bool attention in new[] { true, false })
        {
            string name = TextRunName(attention);
            var curve = QualityRun.Curve(Path.Combine(Repository.QualityRuns, name, "metrics.jsonl"));
            var best = curve.MinBy(p => p.HeldOutLoss)!;
            Report.Line($"{name}: best {best.HeldOutLoss:F4} nats/char ({best.HeldOutLoss / Math.Log(2):F3} bits) at step {best.Step}, " +
                $"{best.ElapsedSeconds / 60:F1} min; last {curve[^1].HeldOutLoss:F4} at step {curve[^1].Step}, {curve[^1].ElapsedSeconds / 60:F1} min");
            Report.Line($"  curve: {string.Join(" ", curve.Where(p => p.Step % 1000 == 0).Select(p => $"{p.Step}:{p.HeldOutLoss:F3}@{p.ElapsedSeconds / 60:F1}m"))}");
            string label = attention ? "fused" : "plain RNN";
            byStep.Add(new CurveSeries(label, attention ? Fused : Plain, !attention, curve.Select(p => ((double)p.Step, p.HeldOutLoss)).ToList()));
            byMinute.Add(new CurveSeries(label, attention ? Fused : Plain, !attention, curve.Select(p => (p.ElapsedSeconds / 60, p.HeldOutLoss)).ToList()));
        }
        Write("model-quality-text.svg",
            [new CurvePanel(TextSettings, "step", byStep, Goal: 1.5), new CurvePanel("the same runs against wall time", "minutes", byMinute, Goal: 1.5)],
            "Character LM on tinyshakespeare: held-out nats per character");
    }

    private static string TextRunName(bool attention) => $"text-{(attention ? "fused" : "plain")}";

    /// <summary>The issue's budget: the best held-out loss reached within 30 minutes of wall time on this machine.</summary>
    private static readonly TimeSpan TextBudget = TimeSpan.FromMinutes(30);

    /// <summary>What the text runs train, in words (for the plot).</summary>
    private const string TextSettings = "T = 256, H = 512, embed 32, batch 16, AdamW 0.2";

    private static IReadOnlyList<string> TextOptions(string data) =>
    [
        "--task", "text", "--data", data, "--seq-len", "256", "--hidden", "512", "--embed", "32", "--batch", "16",
        "--micro-batch", "8", "--steps", "11000", "--lr", "0.003", "--lr-schedule", "cosine", "--warmup", "200",
        "--weight-decay", "0.2", "--clip", "1", "--eval-every", "250", "--checkpoint-every", "1000", "--seed", "1",
    ];

    private static void Write(string file, IReadOnlyList<CurvePanel> panels, string title)
    {
        string path = Path.Combine(Repository.Docs, file);
        File.WriteAllText(path, CurvePlot.Render(panels, $"{title} ({DateTime.Now:yyyy-MM-dd})"));
        Report.Line($"plot: {path}");
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
