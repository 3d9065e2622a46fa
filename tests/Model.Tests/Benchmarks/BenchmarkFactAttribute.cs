namespace AttnRnnCluster.Model.Tests.Benchmarks;

/// <summary>A benchmark run (minutes, not a unit test): skipped unless the environment sets ATTNRNN_BENCH=1.</summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    /// <summary>Benchmarks share one xunit collection so that they never run at the same time as each other.</summary>
    public const string Collection = "Benchmarks";

    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("ATTNRNN_BENCH") != "1")
            Skip = "a benchmark: set ATTNRNN_BENCH=1 to run it";
    }
}
