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

    public static StepMetrics Read(string path, int warmUpSteps = WarmUpSteps) => new([.. TrainSteps(path, whileWritten: false)], warmUpSteps);

    /// <summary>
    /// The last training step in a metrics.jsonl its run is still writing (0 before the first, or when there is no file
    /// yet); the line being written, not yet whole, is left out.
    /// </summary>
    public static long LastStep(string path) =>
        File.Exists(path) ? TrainSteps(path, whileWritten: true).Select(s => s.Step).DefaultIfEmpty(0).Last() : 0;

    private static IEnumerable<(long Step, double ExamplesPerSecond, double StepMs)> TrainSteps(string path, bool whileWritten)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        while (reader.ReadLine() is { } line)
        {
            JsonDocument json;
            try
            {
                json = JsonDocument.Parse(line);
            }
            catch (JsonException) when (whileWritten)
            {
                continue;
            }
            using (json)
            {
                var root = json.RootElement;
                if (root.GetProperty("kind").GetString() != "train") continue;
                yield return (root.GetProperty("step").GetInt64(), root.GetProperty("examples_per_s").GetDouble(), root.GetProperty("step_ms").GetDouble());
            }
        }
    }

    public double MedianExamplesPerSecond => Report.Median(Steps.Skip(WarmUp).Select(s => s.ExamplesPerSecond));

    public double MedianStepMs => Report.Median(Steps.Skip(WarmUp).Select(s => s.StepMs));
}
