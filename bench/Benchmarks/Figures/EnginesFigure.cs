using System.Diagnostics;
using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Network.Fast;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>
/// Issue 7 item 1 in depth (docs/performance-model.md, docs/model.md): the fast engine against the autograd engine
/// it is tested against and the PyTorch peer (eager, one thread), on each <see cref="EngineWorkload"/>. Each round
/// times the three one after the other, because the machine is shared; the figures are medians over the rounds.
/// </summary>
public static class EnginesFigure
{
    private const int Rounds = 5, Warmup = 5, Steps = 30;

    /// <summary>One engine's timed gradients: wall and CPU milliseconds, and garbage collections (gen 0, 1, 2), each per gradient.</summary>
    private sealed record GradientCost(double WallMs, double CpuMs, double[] Collections);

    public static async Task RunAsync(PythonPeer? peer)
    {
        Report.Heading($"engines: fast, autograd and PyTorch eager per workload, batch {EngineWorkload.BatchSize}, T={EngineWorkload.SequenceLength}, " +
                       $"H={EngineWorkload.Hidden}, 1 thread, vector width {System.Numerics.Vector<float>.Count} floats; " +
                       $"{Rounds} rounds of {Steps} timed steps after at least {Warmup} and 1 s");
        foreach (var workload in EngineWorkload.All)
        {
            var fastMs = new List<double>();
            var fastStep = new List<double>();
            var autogradMs = new List<double>();
            var forwardMs = new List<double>();
            var peerStep = new List<double>();
            for (int round = 0; round < Rounds; round++)
            {
                using (var fast = new FastEngine<float>(workload.Config))
                {
                    fastMs.Add(Gradients(fast, workload).WallMs);
                    fastStep.Add(SequencesPerTrainingStep(fast, workload));
                }
                GradientCost autograd;
                using (var engine = new AutogradEngine(workload.Config))
                {
                    autograd = Gradients(engine, workload);
                    forwardMs.Add(ForwardMilliseconds(engine, workload));
                }
                autogradMs.Add(autograd.WallMs);
                if (peer != null)
                    peerStep.Add(await peer.TrainingStepAsync(workload.PeerWorkload, Steps, EngineWorkload.SequenceLength, EngineWorkload.Hidden, EngineWorkload.BatchSize));
                // CPU time beside wall time: on a shared machine it is less sensitive to other load.
                Report.Line($"{workload.Name}, round {round + 1} (load {Machine.LoadAverage()}): fast {fastMs[^1]:F2} ms/gradient, training step {fastStep[^1]:F0} seq/s; " +
                            $"autograd {autograd.WallMs:F1} ms/gradient ({autograd.CpuMs:F1} ms CPU, GCs gen 0/1/2 {string.Join(" / ", autograd.Collections.Select(c => c.ToString("F1")))}), " +
                            $"forward only {forwardMs[^1]:F1} ms" + (peer != null ? $"; peer {peerStep[^1]:F0} seq/s" : ""));
            }
            Report.Line($"{workload.Name}, medians over {Rounds} rounds:");
            Report.Line($"  fast engine: {Report.Median(fastMs):F2} ms per gradient ({EngineWorkload.BatchSize * 1000 / Report.Median(fastMs):F0} seq/s), " +
                        $"training step (batch + gradient + Adam) {Report.Median(fastStep):F0} seq/s");
            Report.Line($"  autograd engine: {Report.Median(autogradMs):F1} ms per gradient ({EngineWorkload.BatchSize * 1000 / Report.Median(autogradMs):F0} seq/s), " +
                        $"forward only {Report.Median(forwardMs):F1} ms; fast is {Report.MedianRatio(autogradMs, fastMs):F1}x (median of the rounds' ratios)");
            if (peer != null)
                Report.Line($"  PyTorch peer: {Report.Runs(peerStep, "F0")} seq/s; fast training step / peer: {Report.MedianRatio(fastStep, peerStep):F1}x (median of the rounds' ratios)");
        }
    }

    private static GradientCost Gradients(IGradientEngine engine, EngineWorkload workload)
    {
        engine.SetWeights(ModelInitializer.Initialize(workload.Config, 1));
        var batches = Enumerable.Range(0, Steps).Select(s => workload.BatchAt(s)).ToList();
        // At least a second of warm-up: the tiered JIT needs about that to replace the first, slow code of the loops.
        var warming = Stopwatch.StartNew();
        for (int s = 0; s < Warmup || warming.Elapsed < TimeSpan.FromSeconds(1); s++) engine.ComputeGradient(batches[s % Steps]);
        var collectionsBefore = Enumerable.Range(0, 3).Select(GC.CollectionCount).ToArray();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            var result = engine.ComputeGradient(batch);
            if (!double.IsFinite(result.LossSum)) throw new InvalidOperationException($"{workload.Name}: the loss is {result.LossSum}");
        }
        double wallMs = watch.Elapsed.TotalMilliseconds / Steps;
        double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / Steps;
        return new GradientCost(wallMs, cpuMs, [.. Enumerable.Range(0, 3).Select(g => (GC.CollectionCount(g) - collectionsBefore[g]) / (double)Steps)]);
    }

    private static double ForwardMilliseconds(IGradientEngine engine, EngineWorkload workload)
    {
        var batches = Enumerable.Range(0, Steps).Select(s => workload.BatchAt(s)).ToList();
        var watch = Stopwatch.StartNew();
        foreach (var batch in batches) engine.Evaluate(batch);
        return watch.Elapsed.TotalMilliseconds / Steps;
    }

    /// <summary>What the peer times: making the batch, the gradient, and an Adam update.</summary>
    private static double SequencesPerTrainingStep(IGradientEngine engine, EngineWorkload workload)
    {
        var weights = ModelInitializer.Initialize(workload.Config, 1);
        var trainer = new PlainTrainer(engine, new OptimizerSettings().Create(weights.Length),
            new UpdateRule(LearningRateSchedule.Constant(2e-3), ClipNorm: 0), weights);
        trainer.Run(workload.BatchAt, Warmup);
        var watch = Stopwatch.StartNew();
        trainer.Run(workload.BatchAt, Warmup + Steps);
        return Steps * EngineWorkload.BatchSize / watch.Elapsed.TotalSeconds;
    }
}
