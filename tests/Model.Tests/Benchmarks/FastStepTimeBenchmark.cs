using System.Diagnostics;
using System.Globalization;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Network.Fast;
using AttnRnnCluster.Model.Tests.Support;
using AttnRnnCluster.Model.Training;
using Xunit.Abstractions;

namespace AttnRnnCluster.Model.Tests.Benchmarks;

/// <summary>
/// Issue 7, item 1: the fast engine's step against the PyTorch peer (eager, one thread) and the autograd
/// engine, alternating rounds in one run because the machine is shared. Three workloads: the issue's (adding,
/// T=100, H=64, batch 64), the same without attention, and a text-like one (tokens, V=65, D=32, H=64,
/// T=100). Figures are in docs/performance-model.md.
/// </summary>
[Trait("Category", "Benchmark")]
[Collection(BenchmarkFactAttribute.Collection)]
public sealed class FastStepTimeBenchmark(ITestOutputHelper output)
{
    private const int Rounds = 5, Warmup = 5, Steps = 30, BatchSize = 64, SequenceLength = 100, Hidden = 64;

    private sealed record Workload(string Name, ModelConfig Config, Func<long, Batch> BatchAt, string[] PeerArguments);

    private static readonly Workload[] Workloads =
    [
        Adding("adding, attention on", attention: true),
        Adding("adding, attention off", attention: false),
        new("text-like: tokens V=65, D=32, next token",
            new ModelConfig(InputKind.Tokens, 32, Hidden, 65, Attention: true, TargetKind.NextToken, VocabSize: 65),
            step => RandomTokens(step, 65), ["text", "1"]),
    ];

    [BenchmarkFact]
    public void Fast_engine_step_against_the_pytorch_peer_and_autograd()
    {
        Torch.Init();
        output.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, vector width {System.Numerics.Vector<float>.Count} floats; " +
                         $"{Rounds} rounds of {Steps} timed steps after at least {Warmup} and 1 s; peer: {PythonTorch.Missing ?? "python3-torch"}");
        foreach (var workload in Workloads)
        {
            var fastMs = new List<double>();
            var fastStep = new List<double>();
            var autogradMs = new List<double>();
            var peer = new List<double>();
            var ratios = new List<double>();
            var loads = new List<double>();
            for (int round = 0; round < Rounds; round++)
            {
                loads.Add(LoadAverage());
                using (var fast = new FastEngine<float>(workload.Config))
                {
                    fastMs.Add(MsPerGradient(fast, workload));
                    fastStep.Add(SequencesPerTrainingStep(fast, workload));
                }
                using (var autograd = new AutogradEngine(workload.Config)) autogradMs.Add(MsPerGradient(autograd, workload));
                if (PythonTorch.Missing is null)
                {
                    peer.Add(PeerSequencesPerSecond(workload));
                    ratios.Add(fastStep[^1] / peer[^1]);
                }
                output.WriteLine($"  {workload.Name}, round {round + 1}: load {loads[^1]:F1}; fast {fastMs[^1]:F2} ms/gradient, training step {fastStep[^1]:F0} seq/s; " +
                                 $"autograd {autogradMs[^1]:F1} ms/gradient" + (peer.Count > 0 ? $"; peer {peer[^1]:F0} seq/s" : ""));
            }
            output.WriteLine($"{workload.Name}: medians over {Rounds} rounds (load average {Median(loads):F1}, {loads.Min():F1} to {loads.Max():F1}):");
            output.WriteLine($"  fast engine: {Median(fastMs):F2} ms per ComputeGradient ({BatchSize * 1000 / Median(fastMs):F0} seq/s), " +
                             $"training step (batch + gradient + Adam) {Median(fastStep):F0} seq/s");
            output.WriteLine($"  autograd engine: {Median(autogradMs):F1} ms per ComputeGradient ({BatchSize * 1000 / Median(autogradMs):F0} seq/s); " +
                             $"fast is {Median(autogradMs) / Median(fastMs):F1}x");
            if (peer.Count > 0)
                output.WriteLine($"  PyTorch peer: {Median(peer):F0} seq/s; fast training step / peer, per round: {string.Join(", ", ratios.Select(r => r.ToString("F1", CultureInfo.InvariantCulture)))} (median {Median(ratios):F1}x)");
        }
    }

    private static Workload Adding(string name, bool attention)
    {
        var source = new AddingSource(SequenceLength, seed: 1, heldOutSize: 0);
        return new Workload(name, new ModelConfig(InputKind.Dense, 2, Hidden, 1, attention, TargetKind.Regression),
            step => source.TrainBatch(step, BatchSize), ["adding", attention ? "1" : "0"]);
    }

    /// <summary>Uniform random tokens, each sequence's target the next token: the cost of text without needing a corpus.</summary>
    private static Batch RandomTokens(long step, int vocabulary)
    {
        var random = new DeterministicRandom(1, DeterministicRandom.Streams.TrainBatch, (ulong)step);
        var stream = Enumerable.Range(0, BatchSize * (SequenceLength + 1)).Select(_ => (long)random.NextInt(vocabulary)).ToArray();
        var tokens = new long[BatchSize * SequenceLength];
        var targets = new long[BatchSize * SequenceLength];
        for (int b = 0; b < BatchSize; b++)
        for (int t = 0; t < SequenceLength; t++)
        {
            tokens[b * SequenceLength + t] = stream[b * (SequenceLength + 1) + t];
            targets[b * SequenceLength + t] = stream[b * (SequenceLength + 1) + t + 1];
        }
        return new Batch(BatchSize, SequenceLength, 0, 1, Enumerable.Repeat(SequenceLength, BatchSize).ToArray(),
            tokens: tokens, tokenTargets: targets);
    }

    private static double MsPerGradient(IGradientEngine engine, Workload workload)
    {
        engine.SetWeights(ModelInitializer.Initialize(workload.Config, 1));
        var batches = Enumerable.Range(0, Steps).Select(s => workload.BatchAt(s)).ToList();
        // At least a second of warm-up: the tiered JIT needs about that to replace the first, slow code of the loops.
        var warming = Stopwatch.StartNew();
        for (int s = 0; s < Warmup || warming.Elapsed < TimeSpan.FromSeconds(1); s++) engine.ComputeGradient(batches[s % Steps]);
        var watch = Stopwatch.StartNew();
        foreach (var batch in batches) Assert.True(double.IsFinite(engine.ComputeGradient(batch).LossSum));
        return watch.Elapsed.TotalMilliseconds / Steps;
    }

    /// <summary>What the peer times: making the batch, the gradient, and an Adam update.</summary>
    private static double SequencesPerTrainingStep(IGradientEngine engine, Workload workload)
    {
        var weights = ModelInitializer.Initialize(workload.Config, 1);
        var trainer = new PlainTrainer(engine, new OptimizerSettings().Create(weights.Length),
            new UpdateRule(LearningRateSchedule.Constant(2e-3), ClipNorm: 0), weights);
        trainer.Run(workload.BatchAt, Warmup);
        var watch = Stopwatch.StartNew();
        trainer.Run(workload.BatchAt, Warmup + Steps);
        return Steps * BatchSize / watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The peer's sequences per second: ../shared/peer/eager_peer.py itself for the issue's workload, else the same
    /// loop (the peer's model, data made in torch, Adam) written out for the other workloads.
    /// </summary>
    private static double PeerSequencesPerSecond(Workload workload)
    {
        string peerFolder = Path.GetDirectoryName(SharedFolder.PeerModel)!;
        string[] sizes = [Steps.ToString(), SequenceLength.ToString(), Hidden.ToString(), BatchSize.ToString()];
        if (workload.PeerArguments is ["adding", "1"])
        {
            string printed = PythonTorch.Run($"import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
                [Path.Combine(peerFolder, "eager_peer.py"), .. sizes, "1"]);
            // "pytorch-eager threads=1 T=100 H=64 batch=64: 123.4 seq/s"
            return double.Parse(printed.Split(':')[^1].Replace("seq/s", "").Trim(), CultureInfo.InvariantCulture);
        }
        return double.Parse(PythonTorch.Run(PeerLoop, [peerFolder, .. workload.PeerArguments, .. sizes]).Trim(), CultureInfo.InvariantCulture);
    }

    private const string PeerLoop = """
        import sys, time, torch
        folder, kind, attention = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
        steps, T, H, batch = map(int, sys.argv[4:8])
        sys.path.insert(0, folder)
        from attn_rnn import AttnRnn, adding_batch
        torch.set_num_threads(1)
        torch.manual_seed(0)
        gen = torch.Generator().manual_seed(1)
        if kind == "adding":
            model = AttnRnn(2, H, 1, attention=attention)
            def loss_of():
                x, y = adding_batch(batch, T, gen)
                return torch.nn.functional.mse_loss(model(x)[:, -1, :], y)
        else:
            V = 65
            model = AttnRnn(32, H, V, attention=attention, vocab=V)
            def loss_of():
                tokens = torch.randint(0, V, (batch, T + 1), generator=gen)
                return torch.nn.functional.cross_entropy(model(tokens[:, :-1]).reshape(-1, V), tokens[:, 1:].reshape(-1))
        opt = torch.optim.Adam(model.parameters(), 2e-3)
        for s in range(steps + 3):
            if s == 3:
                t0 = time.perf_counter()
            loss = loss_of()
            opt.zero_grad(); loss.backward(); opt.step()
        print(steps * batch / (time.perf_counter() - t0))
        """;

    private static double LoadAverage() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture) : double.NaN;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
