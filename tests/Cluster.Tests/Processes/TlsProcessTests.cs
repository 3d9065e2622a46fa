using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Xunit.Abstractions;

namespace AttnRnnCluster.Cluster.Tests.Processes;

/// <summary>
/// PKI mutual TLS between real processes: certificates from the cluster's CA train; one from another CA is kept out;
/// a worker's certificate cannot start a coordinator.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class TlsProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly ProcessScratch _scratch = new(output, "attnrnn-tls-");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Nodes_with_the_cluster_CA_train_and_a_node_from_another_CA_cannot_join()
    {
        string certs = MakeCertificates();
        string password = Path.Combine(certs, "tls-password");
        int port = NodeProcess.FreePort();
        var coordinator = Start(NodeProcess.Coordinator(
            ["--seq-len", "12", "--held-out", "40", "--hidden", "8", "--batch", "24", "--micro-batch", "5", "--steps", "3",
             "--target-loss", "0", "--eval-every", "3", "--port", port.ToString(CultureInfo.InvariantCulture), "--local-workers", "0",
             "--min-workers", "1", "--out", _scratch.PathOf("run"),
             "--tls-cert", Path.Combine(certs, "coordinator.pfx"), "--tls-password-file", password],
            _scratch.PathOf("coordinator.log")));
        string seed = $"akka.tcp://attnrnn@127.0.0.1:{port}";
        var rogue = Start(NodeProcess.Worker(["--seed-nodes", seed, "--name", "rogue", "--coordinator-timeout", "15",
            "--tls-cert", Path.Combine(certs, "rogue.pfx"), "--tls-password-file", password], _scratch.PathOf("rogue.log")));
        var worker = Start(NodeProcess.Worker(["--seed-nodes", seed, "--name", "trusted", "--coordinator-timeout", "60",
            "--tls-cert", Path.Combine(certs, "worker.pfx"), "--tls-password-file", password], _scratch.PathOf("trusted.log")));

        Assert.Equal(0, await coordinator.ExitCodeAsync(TimeSpan.FromMinutes(3)));
        Assert.Equal(0, await worker.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.NotEqual(0, await rogue.ExitCodeAsync(TimeSpan.FromMinutes(2)));
        string log = coordinator.Output();
        Assert.Contains("with mutual TLS", log);
        Assert.Contains("Worker trusted", log);
        Assert.DoesNotContain("Worker rogue", log);
        Assert.Contains("done: reached the step cap (3)", log);
        // Small messages went on message lanes, under the same mutual TLS.
        Assert.Matches(@"Message lane to \S+ open \(\S+, TLS, sealed\)", log);
        Assert.Contains("Message lane from", log);
    }

    [Fact]
    public async Task A_coordinator_started_with_a_worker_certificate_refuses_to_start()
    {
        string certs = MakeCertificates();
        var coordinator = Start(NodeProcess.Coordinator(
            [.. ProcessScratch.SmallAdding(2), "--port", ProcessScratch.Text(NodeProcess.FreePort()), "--local-workers", "0", "--out", _scratch.PathOf("run"),
             "--tls-cert", Path.Combine(certs, "worker.pfx"), "--tls-password-file", Path.Combine(certs, "tls-password")],
            _scratch.PathOf("coordinator.log")));

        Assert.Equal(2, await coordinator.ExitCodeAsync(TimeSpan.FromMinutes(2)));
        Assert.Contains("is a worker's, and this node runs as the coordinator: a coordinator needs a certificate with OU=coordinator", coordinator.Output());
        Assert.False(Directory.Exists(_scratch.PathOf("run")));
    }

    private NodeProcess Start(NodeProcess process) => _scratch.Start(process);

    private string MakeCertificates()
    {
        string repoRoot = typeof(TlsProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
        string outDir = _scratch.PathOf("certs");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(repoRoot, "deploy", "tls", "make-test-ca.sh"));
        start.ArgumentList.Add(outDir);
        start.Environment.Remove("ATTNRNN_TLS_PASSWORD");
        using var script = Process.Start(start)!;
        string errors = script.StandardError.ReadToEnd();
        script.WaitForExit();
        Assert.True(script.ExitCode == 0, $"make-test-ca.sh failed: {errors}");
        return outDir;
    }
}
