using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Akka.Actor;
using AttnRnnCluster.Cluster.Tests.Training;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Hosting.Options;
using AttnRnnCluster.Model.Checkpoints;
using AttnRnnCluster.Protocol.Formats;
using AttnRnnCluster.Transport;
using Xunit.Abstractions;

namespace AttnRnnCluster.Cluster.Tests.Processes;

/// <summary>
/// A training cluster of real processes whose ports (the cluster port and the bulk port) are flooded, while it trains,
/// by a peer that sends garbage, holds idle connections and sends hostile transfer headers: the run ends with the
/// in-process run's bits, the coordinator's memory stays bounded and the garbage is logged once per peer and minute.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed partial class HostilePeerProcessTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>
    /// The coordinator's peak resident memory may not exceed this. A small adding run peaks near 200 MiB without any
    /// flood (the .NET runtime, Akka, the model's code; measured 150–250 MiB on the test machine); 200 MiB above that
    /// leaves room for the noise of a loaded machine, while one hostile header obeyed as before (a gigabyte, and a
    /// bool per chunk) goes far past it.
    /// </summary>
    private const long PeakRssBoundKib = 450L * 1024;

    private const int Steps = 30;

    /// <summary>
    /// The hostile headers need a cluster anyone may talk to, as every node was before the join token (issue 16,
    /// point 1): where the executables know <c>--insecure</c>, every node of this test runs with it, so the headers land.
    /// With the token they would be refused at the handshake, which that part's own tests cover.
    /// </summary>
    private static readonly string[] Insecure = KnownOptionNames.All.Contains("insecure") ? ["--insecure"] : [];
    private readonly ProcessScratch _scratch = new(output, "attnrnn-hostile-");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Garbage_idle_connections_and_hostile_headers_on_both_ports_change_nothing_and_cost_bounded_memory()
    {
        int port = NodeProcess.FreePort();
        int bulkPort = NodeProcess.FreePort();
        var coordinator = _scratch.Start(NodeProcess.Coordinator(
            [.. ProcessScratch.SmallAdding(Steps), "--port", ProcessScratch.Text(port), "--bulk-port", ProcessScratch.Text(bulkPort),
             "--local-workers", "0", "--min-workers", "2", "--out", _scratch.PathOf("run"), .. Insecure],
            _scratch.PathOf("coordinator.log")));
        // The delay keeps the run going while the flood lands; it does not change results.
        var workers = new[] { "worker-a", "worker-b" }.Select(name => _scratch.Start(NodeProcess.Worker(
            ["--seed-nodes", $"akka.tcp://attnrnn@127.0.0.1:{port}", "--name", name, "--coordinator-timeout", "60", "--inject-delay-ms", "30", .. Insecure],
            _scratch.PathOf(name + ".log")))).ToList();
        string metrics = _scratch.PathOf("run", "metrics.jsonl");
        await ProcessScratch.Until(() => File.Exists(metrics) && File.ReadLines(metrics).Any(l => l.Contains("\"train\"")), "the first step");

        var floodStart = DateTime.UtcNow;
        using var stopFlood = new CancellationTokenSource();
        var peakRss = Task.Run(() => WatchPeakRss(coordinator.Id, stopFlood.Token));
        var flood = Task.WhenAll(
            Task.Run(() => Flood(port, stopFlood.Token)),
            Task.Run(() => Flood(bulkPort, stopFlood.Token)),
            Task.Run(() => SendHostileHeaders(port, stopFlood.Token)));
        var exitCode = await coordinator.ExitCodeAsync(ProcessScratch.RunLimit);
        stopFlood.Cancel();
        var counts = await flood;
        var (connections, hostileHeaders) = (counts[0] + counts[1], counts[2]);
        var peakKib = await peakRss;
        // Once per peer and minute: at most one line per started minute of flood.
        var linesAllowed = 1 + (int)(DateTime.UtcNow - floodStart).TotalMinutes;

        Assert.Equal(0, exitCode);
        foreach (var worker in workers)
            Assert.Equal(0, await worker.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal((await InProcessTraining.RunAsync(InProcessTraining.SmallAdding(_scratch.PathOf("reference"), Steps), workers: 2)).Weights,
            CheckpointFiles.Load(_scratch.PathOf("run", "checkpoints", "last.safetensors")).Weights);
        output.WriteLine($"flood: {connections} connections, {hostileHeaders} hostile headers; coordinator peak RSS {peakKib / 1024} MiB");
        Assert.True(connections >= 100, $"the flood opened only {connections} connections");
        Assert.True(hostileHeaders >= 1000, $"only {hostileHeaders} hostile headers were sent");
        Assert.InRange(peakKib, 1, PeakRssBoundKib);

        string log = coordinator.Output();
        // Every warning about a bulk port client counts: the lanes of the workers come from the same address.
        AssertLines(log, "WRN\\] Bulk channel: [^\\n]*127\\.0\\.0\\.1:", linesAllowed);
        AssertLines(log, "Cluster port: dropped a connection from 127\\.0\\.0\\.1:", linesAllowed);
        AssertLines(log, "Dropped transfer [0-9]+ of 'wu'", linesAllowed);
        Assert.DoesNotContain("Error caught channel", log);
        // No stack trace for garbage. (The hostile node is a real Akka node: Akka may log its association ending, with
        // Akka's stack trace; keeping such nodes out altogether is the join token's part of issue 16.)
        Assert.DoesNotContain("   at DotNetty.", log);
        Assert.DoesNotContain("   at AttnRnnCluster.", log);
    }

    /// <summary>Opens connections to <paramref name="port"/> until cancelled: most send garbage and close, some stay open and silent.</summary>
    private static async Task<int> Flood(int port, CancellationToken stop)
    {
        var random = new Random(port);
        var idle = new List<Socket>();
        var opened = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, port, stop);
                    opened++;
                    if (opened % 10 == 0 && idle.Count < 20)
                    {
                        idle.Add(socket);
                        continue;
                    }
                    var garbage = new byte[1 + random.Next(4096)];
                    random.NextBytes(garbage);
                    await socket.SendAsync(garbage, SocketFlags.None, stop);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                }
                socket.Dispose();
                await Task.Delay(20, stop).ContinueWith(_ => { });
            }
        }
        finally
        {
            foreach (var socket in idle)
                socket.Dispose();
        }
        return opened;
    }

    /// <summary>
    /// A node of its own that sends the coordinator's transfer receiver headers announcing a gigabyte in one-byte
    /// chunks, or 200 MiB of which only the last short chunk comes, from fresh transfer ids, until cancelled.
    /// </summary>
    private static async Task<int> SendHostileHeaders(int port, CancellationToken stop)
    {
        using var system = ActorSystem.Create("attnrnn", Akka.Configuration.ConfigurationFactory.ParseString("""
                akka.actor.provider = remote
                akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
                akka.loglevel = ERROR
                akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                """).WithFallback(NodeConfig.Wire()));
        var receiver = ((ExtendedActorSystem)system).Provider.ResolveActorRef($"akka.tcp://attnrnn@127.0.0.1:{port}/system/{PayloadTransport.ReceiverName}");
        var coordinator = ((ExtendedActorSystem)system).Provider.ResolveActorRef($"akka.tcp://attnrnn@127.0.0.1:{port}/user/coordinator");
        var sent = 0;
        while (!stop.IsCancellationRequested)
        {
            for (var i = 0; i < 500; i++, sent++)
            {
                var chunk = sent % 2 == 0
                    ? new PayloadChunk(new PayloadHeader(sent, 1, 1 << 30, 7, ProtocolSerializer.SerializerId, "wu", coordinator, null), 0, new byte[1])
                    : new PayloadChunk(new PayloadHeader(sent, 65536, (200 << 20) + 100, 7, ProtocolSerializer.SerializerId, "wu", coordinator, null), 3200, new byte[100]);
                receiver.Tell(chunk);
            }
            await Task.Delay(100, stop).ContinueWith(_ => { });
        }
        await system.Terminate();
        return sent;
    }

    /// <summary>The largest VmHWM (peak resident set, KiB) read from /proc while the process lives.</summary>
    private static async Task<long> WatchPeakRss(int pid, CancellationToken stop)
    {
        long peak = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                if (line != null)
                    peak = Math.Max(peak, long.Parse(Kib().Match(line).Value, System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                break; // it has exited
            }
            await Task.Delay(100, stop).ContinueWith(_ => { });
        }
        return peak;
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Kib();

    /// <summary>Between one and <paramref name="allowed"/> lines of the log match; if not, the message shows them all.</summary>
    private static void AssertLines(string log, string pattern, int allowed)
    {
        var lines = log.Split('\n').Where(line => Regex.IsMatch(line, pattern)).ToList();
        Assert.True(lines.Count >= 1 && lines.Count <= allowed,
            $"{lines.Count} lines match \"{pattern}\", expected 1 to {allowed}:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}");
    }
}
