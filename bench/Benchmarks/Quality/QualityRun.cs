using System.Globalization;
using System.Text.Json;

namespace AttnRnnCluster.Benchmarks.Quality;

/// <summary>One point of a training curve: the held-out loss at a step, and the wall time since the run started.</summary>
public sealed record CurvePoint(long Step, double HeldOutLoss, double ElapsedSeconds);

/// <summary>
/// A whole training run of the coordinator executable (`train`, in-process workers) for the quality figures: its
/// name, its options, and after it ran, its held-out curve read from metrics.jsonl.
/// </summary>
public sealed record QualityRun(string Name, IReadOnlyList<string> Options)
{
    /// <summary>
    /// Runs it in a run folder of its own under artifacts/quality, to its step cap or until
    /// <paramref name="budget"/> of wall time has passed (then it is stopped with SIGTERM, as an operator would),
    /// and returns its curve.
    /// </summary>
    public async Task<IReadOnlyList<CurvePoint>> RunAsync(TimeSpan budget)
    {
        string folder = Path.Combine(Repository.QualityRuns, Name);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        using var coordinator = ChildProcess.StartApp("AttnRnnCluster.Coordinator", ["train", .. Options, "--out", folder, "--log-level", "warning"]);
        if (await coordinator.StopAfterAsync(budget, grace: TimeSpan.FromMinutes(2)))
            Report.Line($"{Name}: stopped after its budget of {budget.TotalMinutes:F0} min");
        return Curve(Path.Combine(folder, "metrics.jsonl"));
    }

    /// <summary>The eval lines of a metrics.jsonl, in step order.</summary>
    public static IReadOnlyList<CurvePoint> Curve(string metricsPath)
    {
        var points = new List<CurvePoint>();
        foreach (var line in File.ReadLines(metricsPath))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.GetProperty("kind").GetString() != "eval") continue;
            points.Add(new CurvePoint(root.GetProperty("step").GetInt64(), root.GetProperty("loss").GetDouble(), root.GetProperty("elapsed_s").GetDouble()));
        }
        return points.Count > 0 ? points : throw new InvalidOperationException($"{metricsPath} has no eval line");
    }

    /// <summary>The command line that reproduces the run by hand.</summary>
    public string CommandLine => "dotnet run -c Release --project src/Coordinator -- train " +
        string.Join(" ", Options.Select(o => o.Contains(' ', StringComparison.Ordinal) ? $"\"{o}\"" : o));

    public static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
