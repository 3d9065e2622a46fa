using System.Text.RegularExpressions;
using AttnRnnCluster.Cluster.Tests.Training;
using AttnRnnCluster.Model.Checkpoints;
using Xunit.Abstractions;
using static AttnRnnCluster.Cluster.Tests.Processes.ProcessScratch;

namespace AttnRnnCluster.Cluster.Tests.Processes;

/// <summary>
/// Secure by default between real processes: a cluster coordinator makes the join token, a worker started with the
/// options the coordinator prints trains, and nodes without the token (another token, no TLS) get nothing.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed partial class JoinTokenProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly ProcessScratch _scratch = new(output, "attnrnn-token-");

    public void Dispose() => _scratch.Dispose();

    [GeneratedRegex(@"workers join with --seed-nodes (?<seed>\S+) --join-token-file (?<file>\S+)")]
    private static partial Regex WorkerCommand();

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task The_default_cluster_run_makes_a_token_the_printed_worker_command_trains_and_outsiders_get_nothing()
    {
        int port = NodeProcess.FreePort();
        var coordinator = _scratch.Start(NodeProcess.Coordinator(
            [.. SmallAdding(6), "--port", Text(port), "--local-workers", "0", "--min-workers", "1", "--out", _scratch.PathOf("run")],
            _scratch.PathOf("coordinator.log")));
        Match printed = Match.Empty;
        await Until(() => (printed = WorkerCommand().Match(coordinator.Output())).Success, "the coordinator to print the worker's options");
        string seed = printed.Groups["seed"].Value, tokenFile = printed.Groups["file"].Value;

        // Outsiders first, so that they try while the run goes on: another token, and no security at all.
        string otherToken = _scratch.PathOf("other-token");
        Transport.Security.JoinToken.Generate().WriteFile(otherToken);
        var wrongToken = _scratch.Start(NodeProcess.Worker(["--seed-nodes", seed, "--name", "wrong-token", "--coordinator-timeout", "10",
            "--join-token-file", otherToken], _scratch.PathOf("wrong-token.log")));
        var plain = _scratch.Start(NodeProcess.Worker(["--seed-nodes", seed, "--name", "plain", "--coordinator-timeout", "10", "--insecure"],
            _scratch.PathOf("plain.log")));
        // The worker exactly as the coordinator's log says, address and token file as printed.
        var worker = _scratch.Start(NodeProcess.Worker(["--seed-nodes", seed, "--join-token-file", tokenFile, "--name", "holder", "--coordinator-timeout", "60"],
            _scratch.PathOf("holder.log")));

        Assert.Equal(0, await coordinator.ExitCodeAsync(RunLimit));
        Assert.Equal(0, await worker.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(1, await wrongToken.ExitCodeAsync(TimeSpan.FromMinutes(2)));
        Assert.Equal(1, await plain.ExitCodeAsync(TimeSpan.FromMinutes(2)));

        Assert.Equal($"akka.ssl.tcp://attnrnn@127.0.0.1:{port}", seed);
        Assert.Equal(_scratch.PathOf("run", "join-token"), tokenFile);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        string log = coordinator.Output();
        Assert.Contains("with mutual TLS keyed by the join token", log);
        Assert.Contains("Worker holder", log);
        Assert.DoesNotContain("Worker wrong-token", log);
        Assert.DoesNotContain("Worker plain", log);
        Assert.Contains("its key is not the one derived from this cluster's join token", log);
        Assert.Contains("could not join the cluster", wrongToken.Output());
        Assert.Contains("could not join the cluster", plain.Output());
        // Lanes and everything else went under the token's TLS.
        Assert.Matches(@"Message lane to \S+ open \(\S+, TLS, sealed\)", log);
        // The token itself is in no log line of any node, nor in the run folder's log.
        string token = File.ReadAllText(tokenFile).Trim();
        foreach (string file in Directory.GetFiles(_scratch.Folder, "*.log").Append(_scratch.PathOf("run", "train.log")))
            Assert.DoesNotContain(token, File.ReadAllText(file));
        float[] reference = (await InProcessTraining.RunAsync(InProcessTraining.SmallAdding(_scratch.PathOf("reference"), 6), workers: 2)).Weights;
        Assert.Equal(reference, CheckpointFiles.Load(_scratch.PathOf("run", "checkpoints", "last.safetensors")).Weights);
    }

    [Fact]
    public async Task Insecure_is_said_at_start_by_both_nodes_and_a_worker_given_nothing_refuses_to_start()
    {
        int port = NodeProcess.FreePort();
        var bare = _scratch.Start(NodeProcess.Worker(["--seed-nodes", $"akka.ssl.tcp://attnrnn@127.0.0.1:{port}"], _scratch.PathOf("bare.log")));
        Assert.Equal(2, await bare.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("a worker needs the cluster's join token: give --join-token-file FILE", bare.Output());

        var coordinator = _scratch.Start(NodeProcess.Coordinator(
            [.. SmallAdding(2), "--port", Text(port), "--local-workers", "0", "--min-workers", "1", "--out", _scratch.PathOf("run"), "--insecure"],
            _scratch.PathOf("coordinator.log")));
        var worker = _scratch.Start(NodeProcess.Worker(["--seed-nodes", $"akka.tcp://attnrnn@127.0.0.1:{port}", "--name", "open", "--insecure"],
            _scratch.PathOf("open.log")));

        Assert.Equal(0, await coordinator.ExitCodeAsync(RunLimit));
        Assert.Equal(0, await worker.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("--insecure: connections between nodes are neither authenticated nor encrypted", coordinator.Output());
        Assert.Contains("--insecure: connections between nodes are neither authenticated nor encrypted", worker.Output());
        Assert.Contains("workers join with --seed-nodes akka.tcp://attnrnn@127.0.0.1:" + Text(port) + " --insecure", coordinator.Output());
        Assert.False(File.Exists(_scratch.PathOf("run", "join-token")));
    }
}
