#if !DEBUG
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
#endif

namespace AttnRnnCluster.Benchmarks.Micro;

/// <summary>
/// BenchmarkDotNet over the micro-benchmarks. They run in this process (no generated project: that would copy
/// TorchSharp's natives once more) with the short job, to keep `all` within minutes. The benchmark classes are
/// not sealed because BenchmarkDotNet requires it.
/// </summary>
public static class MicroBenchmarks
{
    public static void Run()
    {
        Report.Heading("micro: BenchmarkDotNet (in process, short run)");
#if DEBUG
        Report.Line("skipped: BenchmarkDotNet needs an optimized build; run with -c Release");
#else
        var config = DefaultConfig.Instance
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .WithArtifactsPath(Path.Combine(Repository.Scratch, "BenchmarkDotNet"))
            .WithOptions(ConfigOptions.DisableLogFile);
        BenchmarkRunner.Run([typeof(SerializerBenchmarks), typeof(ShardSumBenchmarks), typeof(AdamBenchmarks)], config);
#endif
    }
}
