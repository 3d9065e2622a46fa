using System.Diagnostics;
using System.Net.Security;
using System.Reflection;
using Akka.Event;
using AttnRnnCluster.Hosting.Options;
using AttnRnnCluster.Shared.Tests.Configuration;
using AttnRnnCluster.Transport.Security;

namespace AttnRnnCluster.Shared.Tests.Security;

public sealed class MakeTestCaScriptTests : IDisposable
{
    private const string Password = "script test password";

    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static (int ExitCode, string Errors) RunScript(string outDir)
    {
        string root = typeof(MakeTestCaScriptTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(root, "deploy", "tls", "make-test-ca.sh"));
        start.ArgumentList.Add(outDir);
        start.Environment["ATTNRNN_TLS_PASSWORD"] = Password;
        using var script = Process.Start(start)!;
        var errors = script.StandardError.ReadToEndAsync();
        script.StandardOutput.ReadToEnd();
        script.WaitForExit();
        return (script.ExitCode, errors.Result);
    }

    private static bool Accepts(ClusterTls node, ClusterTls peer) =>
        node.ValidatePeer(peer.Certificate, null, "peer", SslPolicyErrors.None, NoLogger.Instance);

    [OpenSslFact]
    public void The_script_makes_nodes_that_accept_each_other_and_refuse_the_rogue()
    {
        string folder = Path.Combine(_files.Folder, "tls");

        var (exitCode, errors) = RunScript(folder);

        Assert.True(exitCode == 0, errors);
        Assert.Equal(Password, File.ReadAllLines(Path.Combine(folder, "tls-password"))[0]);
        TlsOptions Options(string name) => new() { CertificateFile = Path.Combine(folder, name + ".pfx"), PasswordFile = Path.Combine(folder, "tls-password") };
        ClusterTls Node(string name, string role) => Options(name).Load(role)!;
        var (coordinator, worker, rogue) = (Node("coordinator", CertificateRole.Coordinator), Node("worker", CertificateRole.Worker), Node("rogue", CertificateRole.Worker));
        Assert.Equal("CN=coordinator, OU=coordinator", coordinator.Certificate.Subject);
        Assert.Equal((CertificateRole.Coordinator, CertificateRole.Worker), (coordinator.Role, worker.Role));
        Assert.True(Accepts(coordinator, worker));
        Assert.True(Accepts(worker, coordinator));
        Assert.True(Accepts(worker, worker)); // workers gossip with each other
        Assert.False(Accepts(coordinator, rogue));
        Assert.False(Accepts(rogue, worker));
        // Both kinds are issued, and a worker's certificate cannot start a coordinator.
        Assert.Contains("is a worker's, and this node runs as the coordinator",
            Assert.Throws<TlsCertificateException>(() => Options("worker").Load(CertificateRole.Coordinator)).Message);
    }

    [OpenSslFact]
    public void The_script_overwrites_nothing()
    {
        string kept = _files.Write("worker.pfx", "an earlier certificate");

        var (exitCode, errors) = RunScript(_files.Folder);

        Assert.Equal(1, exitCode);
        Assert.Contains($"{kept} already exists; nothing was written", errors);
        Assert.Equal("an earlier certificate", File.ReadAllText(kept));
        Assert.Single(Directory.GetFiles(_files.Folder));
    }
}
