namespace AttnRnnCluster.Shared.Tests;

/// <summary>
/// A measurement rather than a check: runs only when ATTNRNN_BENCHMARKS=1 (it takes a while and its figures are
/// printed, never asserted), and is skipped with that explanation otherwise.
/// </summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public const string Variable = "ATTNRNN_BENCHMARKS";

    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
            Skip = $"benchmark: set {Variable}=1 to run it (Release build recommended)";
    }
}
