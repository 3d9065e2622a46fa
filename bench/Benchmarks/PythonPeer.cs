using System.Globalization;
using System.Text.RegularExpressions;

namespace AttnRnnCluster.Benchmarks;

/// <summary>
/// The PyTorch peers of ../shared/peer (eager_peer.py, ddp_peer.py), run with the system python3 that has
/// python3-torch. Each prints sequences per second, measured after its own 3 warm-up steps.
/// </summary>
public sealed partial class PythonPeer
{
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private PythonPeer()
    {
    }

    /// <summary>The peer, or null and why not (no ../shared/peer, no python3, no torch).</summary>
    public static async Task<(PythonPeer? Peer, string? WhyNot)> FindAsync()
    {
        if (!File.Exists(Path.Combine(Repository.PeerFolder, "eager_peer.py")))
            return (null, $"{Repository.PeerFolder} has no eager_peer.py (the peer lives beside the repository, in ../shared/peer)");
        if (!File.Exists(Python))
            return (null, $"{Python} is missing");
        try
        {
            await ChildProcess.RunAsync(Python, ["-c", "import torch"], TimeSpan.FromMinutes(1));
            return (new PythonPeer(), null);
        }
        catch (InvalidOperationException)
        {
            return (null, $"{Python} cannot import torch (install python3-torch)");
        }
    }

    /// <summary>eager_peer.py: one process, Adam, on the adding problem.</summary>
    public Task<double> EagerAsync(int steps, int seqLen, int hidden, int batch, int threads = 1) =>
        RunAsync("eager_peer.py", steps, seqLen, hidden, batch, threads);

    /// <summary>ddp_peer.py: <paramref name="world"/> processes over gloo on loopback, the global batch split evenly.</summary>
    public Task<double> DdpAsync(int world, int steps, int seqLen, int hidden, int globalBatch, int threadsPerRank = 1) =>
        RunAsync("ddp_peer.py", world, steps, seqLen, hidden, globalBatch, threadsPerRank);

    /// <summary>The workloads the peer's model can train one thread at a time, as <see cref="TrainingStepAsync"/> runs them.</summary>
    public enum Workload { Adding, AddingWithoutAttention, Text }

    /// <summary>
    /// The peer's training step (batch, forward, backward, Adam) on a workload: eager_peer.py itself for the adding
    /// problem with attention, else the same loop written out (the peer's AttnRnn, its data made in torch; text:
    /// uniform random tokens, V = 65, D = 32, each predicting the next).
    /// </summary>
    public Task<double> TrainingStepAsync(Workload workload, int steps, int seqLen, int hidden, int batch) =>
        workload == Workload.Adding
            ? EagerAsync(steps, seqLen, hidden, batch)
            : RunAsync("the written-out eager loop", ["-c", EagerLoop, Repository.PeerFolder, workload == Workload.Text ? "text" : "adding",
                .. new[] { steps, seqLen, hidden, batch }.Select(Invariant)]);

    private const string EagerLoop = """
        import sys, time, torch
        folder, kind = sys.argv[1], sys.argv[2]
        steps, T, H, batch = map(int, sys.argv[3:7])
        sys.path.insert(0, folder)
        from attn_rnn import AttnRnn, adding_batch
        torch.set_num_threads(1)
        torch.manual_seed(0)
        gen = torch.Generator().manual_seed(1)
        if kind == "adding":
            model = AttnRnn(2, H, 1, attention=False)
            def loss_of():
                x, y = adding_batch(batch, T, gen)
                return torch.nn.functional.mse_loss(model(x)[:, -1, :], y)
        else:
            V = 65
            model = AttnRnn(32, H, V, attention=True, vocab=V)
            def loss_of():
                tokens = torch.randint(0, V, (batch, T + 1), generator=gen)
                return torch.nn.functional.cross_entropy(model(tokens[:, :-1]).reshape(-1, V), tokens[:, 1:].reshape(-1))
        opt = torch.optim.Adam(model.parameters(), 2e-3)
        for s in range(steps + 3):
            if s == 3:
                t0 = time.perf_counter()
            loss = loss_of()
            opt.zero_grad(); loss.backward(); opt.step()
        print(f"{steps * batch / (time.perf_counter() - t0):.1f} seq/s")
        """;

    private static Task<double> RunAsync(string script, params int[] arguments) =>
        RunAsync(script, [Path.Combine(Repository.PeerFolder, script), .. arguments.Select(Invariant)]);

    private static async Task<double> RunAsync(string what, IReadOnlyList<string> arguments)
    {
        string output = await ChildProcess.RunAsync(Python, arguments, Timeout);
        var match = SequencesPerSecond().Match(output);
        return match.Success
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{what} printed no \"N seq/s\" figure:{Environment.NewLine}{output}");
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"([0-9.]+) seq/s")]
    private static partial Regex SequencesPerSecond();
}
