using System.Text.Json;

namespace AttnRnnCluster.Benchmarks;

/// <summary>The train lines of a run's metrics.jsonl: per step, its examples per second and its time.</summary>
public sealed record StepMetrics(IReadOnlyList<(long Step, double ExamplesPerSecond, double StepMs)> Steps)
{
    /// <summary>Steps at the start left out of every median: JIT, first weights, connections.</summary>
    public const int WarmUpSteps = 5;

    public static StepMetrics Read(string path)
    {
        var steps = new List<(long, double, double)>();
        foreach (var line in File.ReadLines(path))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.GetProperty("kind").GetString() != "train") continue;
            steps.Add((root.GetProperty("step").GetInt64(), root.GetProperty("examples_per_s").GetDouble(), root.GetProperty("step_ms").GetDouble()));
        }
        return steps.Count > WarmUpSteps
            ? new StepMetrics(steps)
            : throw new InvalidOperationException($"{path}: {steps.Count} train steps, fewer than the {WarmUpSteps} warm-up steps plus one");
    }

    public double MedianExamplesPerSecond => Report.Median(Steps.Skip(WarmUpSteps).Select(s => s.ExamplesPerSecond));

    public double MedianStepMs => Report.Median(Steps.Skip(WarmUpSteps).Select(s => s.StepMs));
}
