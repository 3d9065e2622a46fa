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
            const int warmup = 10, steps = 30;
            var watch = new Stopwatch();
            var cpuBefore = TimeSpan.Zero;
            var collectionsBefore = new int[3];
            for (int s = 0; s < warmup + steps; s++)
            {
                var batch = source.TrainBatch(s, 64);
                if (s == warmup)
                {
                    watch.Start();
                    cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                    collectionsBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
                }
                Assert.True(double.IsFinite(engine.ComputeGradient(batch).LossSum));
            }
            double ms = watch.Elapsed.TotalMilliseconds / steps;
            double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / steps;
            // CPU time is printed beside wall time because the machine is shared: it is less sensitive to other load.
            var collections = Enumerable.Range(0, 3).Select(g => (GC.CollectionCount(g) - collectionsBefore[g]) / (double)steps);
            output.WriteLine($"attention={attention}: {ms:F1} ms wall ({cpuMs:F1} ms CPU) per ComputeGradient, {64 * 1000 / ms:F0} seq/s; " +
                             $"GC collections per gradient (gen 0/1/2): {string.Join(" / ", collections.Select(c => c.ToString("F1")))}");
            var forward = Stopwatch.StartNew();
            for (int s = 0; s < steps; s++) engine.Evaluate(source.TrainBatch(s, 64));
            output.WriteLine($"attention={attention}: {forward.Elapsed.TotalMilliseconds / steps:F1} ms wall per Evaluate (forward only)");
        }
    }
}
