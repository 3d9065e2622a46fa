using System.Text.Json;

namespace AttnRnnCluster.Benchmarks;

/// <summary>A run's training steps (from its metrics.jsonl, or reported in this process): examples per second and time.</summary>
public sealed class StepMetrics
{
    /// <summary>Steps at the start left out of every median: JIT, first weights, connections.</summary>
    public const int WarmUpSteps = 5;

    public StepMetrics(IReadOnlyList<(long Step, double ExamplesPerSecond, double StepMs)> steps) =>
        Steps = steps.Count > WarmUpSteps
            ? steps
            : throw new InvalidOperationException($"{steps.Count} train steps, fewer than the {WarmUpSteps} warm-up steps plus one");

    public IReadOnlyList<(long Step, double ExamplesPerSecond, double StepMs)> Steps { get; }

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
        return new StepMetrics(steps);
    }

    public double MedianExamplesPerSecond => Report.Median(Steps.Skip(WarmUpSteps).Select(s => s.ExamplesPerSecond));

    public double MedianStepMs => Report.Median(Steps.Skip(WarmUpSteps).Select(s => s.StepMs));
}
