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

    private static async Task<double> RunAsync(string script, params int[] arguments)
    {
        string output = await ChildProcess.RunAsync(Python,
            [Path.Combine(Repository.PeerFolder, script), .. arguments.Select(a => a.ToString(CultureInfo.InvariantCulture))], Timeout);
        var match = SequencesPerSecond().Match(output);
        return match.Success
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{script} printed no \"N seq/s\" figure:{Environment.NewLine}{output}");
    }

    [GeneratedRegex(@"([0-9.]+) seq/s")]
    private static partial Regex SequencesPerSecond();
}
