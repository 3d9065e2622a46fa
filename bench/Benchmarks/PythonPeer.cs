using System.Globalization;
using System.Text.RegularExpressions;

namespace AttnRnnCluster.Benchmarks;

/// <summary>
/// The PyTorch peers of ../shared/peer (eager_peer.py, ddp_peer.py, text_peer.py, ddp_text_peer.py, sgemm_probe.py), run with the
/// system python3 that has python3-torch. Each prints sequences per second (sgemm_probe.py: GFLOP/s), measured
/// after its own warm-up steps. Every peer process gets the environment of ../shared/peer/peer-env.sh
/// (<see cref="Environment"/>): Debian's torch calls the installed libblas.so.3, which is OpenBLAS only when
/// libopenblas0-pthread is installed (else the reference BLAS, ~4 GFLOP/s), and OpenBLAS must be pinned to one
/// thread and told the core type it does not recognise, or a peer is far slower than any user's.
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

    /// <summary>
    /// peer-env.sh's variables: OPENBLAS_NUM_THREADS=1 (OpenBLAS starts its own threads whatever torch.set_num_threads
    /// says) and OPENBLAS_CORETYPE (SkylakeX on AVX-512, Haswell on AVX2: OpenBLAS 0.3.21 does not recognise
    /// newer Xeons and would fall back to SSE3 kernels).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Environment { get; } = PeerEnvironment();

    /// <summary>Whether OpenBLAS is installed for Debian's torch; without it the peer figures are far too low.</summary>
    public static bool HasOpenBlas => File.Exists("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3");

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

    /// <summary>text_peer.py FILE STEPS T H EMBED BATCH 1 fast: the char LM trained by a careful PyTorch user (keys D wide), one thread.</summary>
    public Task<double> TextAsync(string file, int steps, int seqLen, int hidden, int embed, int batch) =>
        RunAsync("text_peer.py", [Path.Combine(Repository.PeerFolder, "text_peer.py"), file,
            .. new[] { steps, seqLen, hidden, embed, batch, 1 }.Select(Invariant), "fast"]);

    /// <summary>
    /// ddp_text_peer.py FILE WORLD STEPS T H EMBED GLOBAL_BATCH 1: text_peer.py's fast char LM under DistributedDataParallel
    /// over gloo, <paramref name="world"/> processes of one thread on loopback, the global batch split evenly.
    /// </summary>
    public Task<double> DdpTextAsync(string file, int world, int steps, int seqLen, int hidden, int embed, int globalBatch) =>
        RunAsync("ddp_text_peer.py", [Path.Combine(Repository.PeerFolder, "ddp_text_peer.py"), file,
            .. new[] { world, steps, seqLen, hidden, embed, globalBatch, 1 }.Select(Invariant)]);

    /// <summary>sgemm_probe.py M K N 1: the machine's float32 GEMM rate through the peer's BLAS, one thread, in GFLOP/s.</summary>
    public async Task<double> SgemmAsync(int m, int k, int n)
    {
        string output = await ChildProcess.RunAsync(Python, [Path.Combine(Repository.PeerFolder, "sgemm_probe.py"), .. new[] { m, k, n, 1 }.Select(Invariant)],
            Timeout, Environment);
        var match = GigaflopsPerSecond().Match(output);
        return match.Success
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"sgemm_probe.py printed no \"N GFLOP/s\" figure:{System.Environment.NewLine}{output}");
    }

    private static Task<double> RunAsync(string script, params int[] arguments) =>
        RunAsync(script, [Path.Combine(Repository.PeerFolder, script), .. arguments.Select(Invariant)]);

    private static async Task<double> RunAsync(string what, IReadOnlyList<string> arguments)
    {
        string output = await ChildProcess.RunAsync(Python, arguments, Timeout, Environment);
        var match = SequencesPerSecond().Match(output);
        return match.Success
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{what} printed no \"N seq/s\" figure:{System.Environment.NewLine}{output}");
    }

    private static Dictionary<string, string> PeerEnvironment()
    {
        var environment = new Dictionary<string, string> { ["OPENBLAS_NUM_THREADS"] = "1" };
        string cpu = File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : "";
        if (cpu.Contains("avx512f", StringComparison.Ordinal)) environment["OPENBLAS_CORETYPE"] = "SkylakeX";
        else if (cpu.Contains("avx2", StringComparison.Ordinal)) environment["OPENBLAS_CORETYPE"] = "Haswell";
        return environment;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"([0-9.]+) seq/s")]
    private static partial Regex SequencesPerSecond();

    [GeneratedRegex(@"([0-9.]+) GFLOP/s")]
    private static partial Regex GigaflopsPerSecond();
}
