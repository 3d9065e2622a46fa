using System.Diagnostics;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Tests.Support;
using Xunit.Abstractions;

namespace AttnRnnCluster.Model.Tests.Benchmarks;

/// <summary>The time of one ComputeGradient on adding T=100, H=64, batch 64, one intra-op thread (figures in docs/model.md).</summary>
[Trait("Category", "Benchmark")]
[Collection(BenchmarkFactAttribute.Collection)]
public sealed class StepTimeBenchmark(ITestOutputHelper output)
{
    [BenchmarkFact]
    public void Compute_gradient_time_on_adding_T100_H64_batch64()
    {
        Torch.Init();
        var source = new AddingSource(steps: 100, seed: 1, heldOutSize: 0);
        foreach (bool attention in new[] { true, false })
        {
            var config = new ModelConfig(InputKind.Dense, 2, 64, 1, attention, TargetKind.Regression);
            using var engine = new AutogradEngine(config);
            engine.SetWeights(ModelInitializer.Initialize(config, 1));
            const int warmup = 3, steps = 20;
            var watch = new Stopwatch();
            var cpuBefore = TimeSpan.Zero;
            for (int s = 0; s < warmup + steps; s++)
            {
                var batch = source.TrainBatch(s, 64);
                if (s == warmup)
                {
                    watch.Start();
                    cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                }
                Assert.True(double.IsFinite(engine.ComputeGradient(batch).LossSum));
            }
            double ms = watch.Elapsed.TotalMilliseconds / steps;
            double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / steps;
            // CPU time is printed beside wall time because the machine is shared: it is less sensitive to other load.
            output.WriteLine($"attention={attention}: {ms:F1} ms wall ({cpuMs:F1} ms CPU) per ComputeGradient, {64 * 1000 / ms:F0} seq/s");
            var forward = Stopwatch.StartNew();
            for (int s = 0; s < steps; s++) engine.Evaluate(source.TrainBatch(s, 64));
            output.WriteLine($"attention={attention}: {forward.Elapsed.TotalMilliseconds / steps:F1} ms wall per Evaluate (forward only)");
        }
    }
}
