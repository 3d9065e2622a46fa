using System.Diagnostics;
using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network.Batched;
using AttnRnnCluster.Model.Network.Fast;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>
/// Issue 18.1 (docs/performance.md, "Scale I"): the char LM at real sizes (T=128, embed 32, V=65, batch 32, attention
/// on), the batched engine's ComputeGradient at 1 and 2 threads and the per-sequence fast engine against PyTorch
/// (text_peer.py fast, one thread, real BLAS) and the machine's own sgemm (sgemm_probe.py 32 H H 1) as the limit,
/// alternating in every round because the machine is shared. GFLOP/s counts 3 T (2H^2 + 2HV) per sequence.
/// </summary>
public static class EngineScaleFigure
{
    private const int Batch = 32, Embed = 32, Vocab = 65, Rounds = 3;
    private static readonly (int Steps, int Hidden)[] Points = [(128, 256), (128, 512), (128, 1024), (512, 512)];

    public static async Task RunAsync(PythonPeer? peer)
    {
        Report.Heading($"engine-scale: the char LM, batch {Batch}, embed {Embed}, V={Vocab}, attention on; ComputeGradient seq/s " +
                       $"(batched engine at 1 and 2 threads, groups of {BatchedEngine<float>.DefaultGroupSize}; fast engine at 1), " +
                       $"text_peer.py fast and sgemm_probe.py 32 H H on 1 thread with OpenBLAS ({(PythonPeer.HasOpenBlas ? "installed" : "NOT installed: peer figures too low")}); {Rounds} rounds");
        string text = Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared", "data", "tinyshakespeare.txt"));
        foreach (var (steps, hidden) in Points)
        {
            var config = new ModelConfig(InputKind.Tokens, Embed, hidden, Vocab, Attention: true, TargetKind.NextToken, VocabSize: Vocab);
            var batch = RandomText(steps);
            double flopsPerSequence = 3.0 * steps * (2.0 * hidden * hidden + 2.0 * hidden * Vocab);
            List<double> one = [], oneCpu = [], two = [], fast = [], fastCpu = [], torch = [], sgemm = [];
            for (int round = 0; round < Rounds; round++)
            {
                using (var engine = new BatchedEngine<float>(config, threads: 1)) one.Add(SequencesPerSecond(engine, batch));
                oneCpu.Add(1 / CpuSecondsPerSequence);
                using (var engine = new BatchedEngine<float>(config, threads: 2)) two.Add(SequencesPerSecond(engine, batch));
                if (hidden <= 512 || round == 0)
                {
                    using (var engine = new FastEngine<float>(config)) fast.Add(SequencesPerSecond(engine, batch));
                    fastCpu.Add(1 / CpuSecondsPerSequence);
                }
                // The peer's T=512 step re-stacks a quadratic history and took over 5 minutes under load: that point is ours alone.
                if (peer != null && File.Exists(text) && steps <= 128)
                {
                    torch.Add(await peer.TextAsync(text, steps: hidden >= 1024 ? 3 : 8, steps, hidden, Embed, Batch));
                    sgemm.Add(await peer.SgemmAsync(32, hidden, hidden));
                }
                Report.Line($"T={steps} H={hidden}, round {round + 1} (load {Machine.LoadAverage()}): batched {one[^1]:F1} seq/s ({one[^1] * flopsPerSequence / 1e9:F1} GFLOP/s; by CPU time {oneCpu[^1]:F1} seq/s), " +
                            $"2 threads {two[^1]:F1} seq/s; fast {fast[^1]:F1} seq/s (by CPU time {fastCpu[^1]:F1})" +
                            (torch.Count > round ? $"; PyTorch {torch[^1]:F1} seq/s; sgemm 32x{hidden}x{hidden} {sgemm[^1]:F1} GFLOP/s" : ""));
            }
            double gflops = Report.Median(one) * flopsPerSequence / 1e9;
            Report.Line($"T={steps} H={hidden}, medians: batched {Report.Median(one):F1} seq/s = {gflops:F1} GFLOP/s; 2 threads {Report.Median(two):F1} seq/s " +
                        $"= {Report.Median(two) * flopsPerSequence / 1e9:F1} GFLOP/s ({Report.MedianRatio(two, one):F2}x); fast engine {Report.Median(fast):F1} seq/s (batched / fast {Report.Median(one) / Report.Median(fast):F1}x); by CPU time batched {Report.Median(oneCpu):F1}, fast {Report.Median(fastCpu):F1} seq/s");
            if (hidden >= 512) Report.Goal($"T={steps} H={hidden}: 2 threads against 1", Report.MedianRatio(two, one), 1.7);
            if (torch.Count == 0) continue;
            Report.Line($"  PyTorch {Report.Runs(torch)} seq/s; sgemm {Report.Runs(sgemm)} GFLOP/s");
            double againstPeer = Report.MedianRatio(one, torch), ofLimit = Report.MedianRatio(one.Select(s => s * flopsPerSequence / 1e9).ToList(), sgemm);
            if (steps == 128 && hidden == 1024)
            {
                Report.Goal($"T={steps} H={hidden}: batched / PyTorch", againstPeer, 3);
                Report.Goal($"T={steps} H={hidden}: batched GFLOP/s / the same round's sgemm 32x{hidden}x{hidden}", ofLimit, 0.5);
            }
            else if (steps == 128 && hidden == 512)
                Report.Goal($"T={steps} H={hidden}: batched / PyTorch", againstPeer, 5);
            else
                Report.Line($"  batched / PyTorch {againstPeer:F1}x; batched at {100 * ofLimit:F0} % of the same round's sgemm");
        }
    }

    /// <summary>ComputeGradient's sequences per second: one warm-up gradient, then gradients for at least 2 s (at least 2).</summary>
    private static double SequencesPerSecond(IGradientEngine engine, Batch batch)
    {
        engine.SetWeights(ModelInitializer.Initialize(engine.Config, seed: 1));
        engine.ComputeGradient(batch);
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        int gradients = 0;
        while (gradients < 2 || clock.Elapsed.TotalSeconds < 2)
        {
            var result = engine.ComputeGradient(batch);
            if (!double.IsFinite(result.LossSum)) throw new InvalidOperationException($"the loss is {result.LossSum}");
            gradients++;
        }
        double wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        CpuSecondsPerSequence = (process.TotalProcessorTime - cpuBefore).TotalSeconds / (gradients * batch.Count);
        return gradients * batch.Count / wall;
    }

    /// <summary>The CPU time per sequence of the last <see cref="SequencesPerSecond"/> (all threads): on a shared machine less sensitive to the others' load than wall time.</summary>
    private static double CpuSecondsPerSequence { get; set; }

    /// <summary>Uniform random characters: the engines' speed does not depend on which tokens they see.</summary>
    private static Batch RandomText(int steps)
    {
        var random = new DeterministicRandom(7);
        var tokens = Enumerable.Range(0, Batch * (steps + 1)).Select(_ => (long)random.NextInt(Vocab)).ToArray();
        var inputs = new long[Batch * steps];
        var targets = new long[Batch * steps];
        for (int b = 0; b < Batch; b++)
        for (int t = 0; t < steps; t++)
        {
            inputs[b * steps + t] = tokens[b * (steps + 1) + t];
            targets[b * steps + t] = tokens[b * (steps + 1) + t + 1];
        }
        return new Batch(Batch, steps, 0, 1, Enumerable.Repeat(steps, Batch).ToArray(), tokens: inputs, tokenTargets: targets);
    }
}
