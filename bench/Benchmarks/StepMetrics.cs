using System.Text.Json;

namespace AttnRnnCluster.Benchmarks;

/// <summary>A run's training steps (from its metrics.jsonl, or reported in this process): examples per second and time.</summary>
public sealed class StepMetrics
{
    /// <summary>Steps at the start left out of a median unless a run says otherwise: JIT, first weights, connections.</summary>
    public const int WarmUpSteps = 5;

    public StepMetrics(IReadOnlyList<(long Step, double ExamplesPerSecond, double StepMs)> steps, int warmUpSteps = WarmUpSteps)
    {
        if (steps.Count <= warmUpSteps)
            throw new InvalidOperationException($"{steps.Count} train steps, fewer than the {warmUpSteps} warm-up steps plus one");
        Steps = steps;
        WarmUp = warmUpSteps;
    }

    /// <summary>How many of the first steps the medians leave out.</summary>
    public int WarmUp { get; }

    public IReadOnlyList<(long Step, double ExamplesPerSecond, double StepMs)> Steps { get; }

    public static StepMetrics Read(string path, int warmUpSteps = WarmUpSteps)
    {
        var steps = new List<(long, double, double)>();
        foreach (var line in File.ReadLines(path))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.GetProperty("kind").GetString() != "train") continue;
            steps.Add((root.GetProperty("step").GetInt64(), root.GetProperty("examples_per_s").GetDouble(), root.GetProperty("step_ms").GetDouble()));
        }
        return new StepMetrics(steps, warmUpSteps);
    }

    public double MedianExamplesPerSecond => Report.Median(Steps.Skip(WarmUp).Select(s => s.ExamplesPerSecond));

    public double MedianStepMs => Report.Median(Steps.Skip(WarmUp).Select(s => s.StepMs));
}
