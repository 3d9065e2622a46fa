using System.Globalization;
using System.Text.RegularExpressions;

namespace AttnRnnCluster.Benchmarks.Scale;

/// <summary>
/// The anchor: bench/peer/ddp_scale_peer.py as N ranks, rank r in host r + 1 (the workers' hosts, the same links),
/// rank 0's address as the rendezvous, PyTorch DistributedDataParallel over gloo (unencrypted: gloo has no TLS) on a
/// model of exactly the row's parameter count, with the same synthetic compute per shard. Started with the peers'
/// environment (<see cref="PythonPeer.Environment"/>: OpenBLAS pinned to one thread), one OpenMP thread, gloo on eth0.
/// </summary>
public static partial class DdpRun
{
    public const string Python = "/usr/bin/python3";
    public const int Port = 29500;

    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(15);

    public static string ScriptPath => Path.Combine(Repository.Root, "bench", "peer", "ddp_scale_peer.py");

    /// <summary>Null when the anchor can run, else why not.</summary>
    public static async Task<string?> WhyNotAsync()
    {
        if (!File.Exists(Python)) return $"{Python} is missing";
        try
        {
            await ChildProcess.RunAsync(Python, ["-c", "import torch.distributed as d; assert d.is_available() and d.is_gloo_available()"], TimeSpan.FromMinutes(1));
            return null;
        }
        catch (InvalidOperationException)
        {
            return $"{Python} cannot import torch.distributed with gloo (install python3-torch)";
        }
    }

    /// <summary>DDP's steps are short (its ring needs 0.6 s at the slowest row): it measures at least this many, more than the star's slow rows.</summary>
    public const int MinMeasured = 10;

    /// <summary>
    /// Rank 0's median step time (seconds) over the measured steps (the plan's, at least <see cref="MinMeasured"/>), and
    /// the machine's CPU over them (rank 0 reads it, as <see cref="CpuWindow"/> does).
    /// </summary>
    public static async Task<(double SecondsPerStep, CpuWindow? Cpu)> RunAsync(ScaleHosts hosts, int ranks, int parameters, StepPlan plan, TimeSpan computePerShard)
    {
        var environment = new Dictionary<string, string>(PythonPeer.Environment) { ["OMP_NUM_THREADS"] = "1", ["GLOO_SOCKET_IFNAME"] = "eth0" };
        int shardsPerRank = (int)Math.Ceiling(LinkFloor.ShardsPerStep / (double)ranks);
        var processes = Enumerable.Range(0, ranks).Select(rank => hosts.StartIn(rank + 1, Python, [ScriptPath,
            "--rank", Text(rank), "--world", Text(ranks), "--master", hosts.Hosts[1].Address, "--port", Text(Port),
            "--params", Text(parameters), "--shards", Text(shardsPerRank), "--compute-ms", Text((int)computePerShard.TotalMilliseconds),
            "--steps", Text(Math.Max(plan.Measured, MinMeasured)), "--warmup", Text(plan.WarmUp)], environment)).ToList();
        try
        {
            foreach (var process in processes) await process.WaitAsync(Bound);
        }
        finally
        {
            foreach (var process in processes) process.Dispose();
        }
        var match = MedianLine().Match(processes[0].Output);
        return match.Success
            ? (double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), CpuWindow.FromPeerLine(processes[0].Output))
            : throw new InvalidOperationException($"ddp_scale_peer.py rank 0 printed no median:{Environment.NewLine}{processes[0].Output}");
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"median ([0-9.]+) s/step")]
    private static partial Regex MedianLine();
}
