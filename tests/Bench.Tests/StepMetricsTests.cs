using System.Text.Json;
using AttnRnnCluster.Benchmarks;

namespace AttnRnnCluster.Bench.Tests;

public sealed class StepMetricsTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"attnrnn-metrics-{Guid.NewGuid():N}.jsonl");

    public void Dispose() => File.Delete(_path);

    private static string Train(int step) => $"{{\"kind\":\"train\",\"step\":{step},\"examples_per_s\":10,\"step_ms\":{100 * step}}}";

    [Fact]
    public void The_last_step_of_a_file_being_written_leaves_out_evaluations_and_the_line_not_yet_whole()
    {
        Assert.Equal(0, StepMetrics.LastStep(_path)); // no file yet
        File.WriteAllText(_path, $"{Train(1)}\n{Train(2)}\n{{\"kind\":\"eval\",\"step\":2,\"loss\":1}}\n{{\"kind\":\"train\",\"st");

        Assert.Equal(2, StepMetrics.LastStep(_path));
        // A finished run's file is read whole: a broken line there is an error, not a line being written.
        Assert.ThrowsAny<JsonException>(() => StepMetrics.Read(_path, warmUpSteps: 1));
    }

    [Fact]
    public void A_finished_run_s_median_leaves_out_the_warm_up()
    {
        File.WriteAllLines(_path, [Train(1), Train(2), Train(3), Train(4)]);

        var metrics = StepMetrics.Read(_path, warmUpSteps: 1);

        Assert.Equal(4, metrics.Steps.Count);
        Assert.Equal(300, metrics.MedianStepMs);
    }
}
