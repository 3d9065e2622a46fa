using AttnRnnCluster.Hosting.Options;
using AttnRnnCluster.Worker.Options;
using static AttnRnnCluster.Cluster.Tests.Options.Parsing;

namespace AttnRnnCluster.Cluster.Tests.Options;

public sealed class WorkerOptionsTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>A worker's options with the join token in the environment, as most of these tests are not about it.</summary>
    private static OptionsOutcome<WorkerOptions> Parse(params string[] args) => WorkerCommandLine.Read(args, Environment(("ATTNRNN_JOIN_TOKEN", JoinTokenOptionsTests.Token)));

    private static string Error(params string[] args) => Assert.Single(Assert.IsType<OptionsOutcome<WorkerOptions>.Failure>(Parse(args)).Errors);

    [Fact]
    public void A_worker_needs_seed_nodes_and_has_defaults_for_the_rest()
    {
        Assert.Equal("--seed-nodes akka.ssl.tcp://attnrnn@HOST:PORT[,...] is required (on the command line, as ATTNRNN_SEED_NODES, or in the --config file)",
            Error());

        var options = Succeeds(Parse("--seed-nodes", "akka.tcp://attnrnn@127.0.0.1:4053"));

        Assert.Equal(["akka.tcp://attnrnn@127.0.0.1:4053"], options.SeedNodes);
        Assert.Equal(("127.0.0.1", 0, 1), (options.Hostname, options.Port, options.Threads));
        Assert.Equal(TimeSpan.FromSeconds(60), options.CoordinatorTimeout);
        Assert.Equal(TimeSpan.Zero, options.InjectDelay);
        Assert.Equal(AttnRnnCluster.Worker.Training.WorkerFault.None, options.InjectFault);
        Assert.Equal($"{System.Environment.MachineName}-{System.Environment.ProcessId}", options.DisplayName);
    }

    [Fact]
    public void Every_worker_option_is_read()
    {
        var options = Succeeds(WorkerCommandLine.Read(
            ["--seed-nodes=akka.tcp://attnrnn@10.0.0.5:4053, akka.tcp://attnrnn@coordinator.lan:4054", "--hostname", "0.0.0.0", "--public-hostname", "worker-3.lan",
             "--port", "4060", "--bulk-port", "4061", "--threads", "2", "--name", "w3", "--coordinator-timeout", "5", "--inject-delay-ms", "250", "--inject-fault", "flip-bit-1pct", "--log-level", "warning"],
            Environment(("ATTNRNN_MICRO_BATCH", "8"), ("ATTNRNN_JOIN_TOKEN", JoinTokenOptionsTests.Token)))); // a coordinator option in a shared environment is skipped

        Assert.Equal(["akka.tcp://attnrnn@10.0.0.5:4053", "akka.tcp://attnrnn@coordinator.lan:4054"], options.SeedNodes);
        Assert.Equal(("0.0.0.0", "worker-3.lan", 4060, 2, "w3"), (options.Hostname, options.PublicHostname, options.Port, options.Threads, options.DisplayName));
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(250)), (options.CoordinatorTimeout, options.InjectDelay));
        Assert.Equal(4061, options.BulkPort);
        Assert.Equal(AttnRnnCluster.Worker.Training.WorkerFault.FlipBit1Pct, options.InjectFault);
    }

    [Fact]
    public void Max_incoming_mib_reaches_the_transfer_settings_of_the_workers_actor_system()
    {
        var options = Succeeds(Parse("--seed-nodes", "akka.tcp://attnrnn@127.0.0.1:4053", "--max-incoming-mib", "64"));
        var byDefault = Succeeds(Parse("--seed-nodes", "akka.tcp://attnrnn@127.0.0.1:4053"));

        var settings = AttnRnnCluster.Transport.TransferSettings.FromConfig(AttnRnnCluster.Worker.Hosting.WorkerNode.SystemConfig(options, options.SeedNodes));
        var defaults = AttnRnnCluster.Transport.TransferSettings.FromConfig(AttnRnnCluster.Worker.Hosting.WorkerNode.SystemConfig(byDefault, byDefault.SeedNodes));

        Assert.Equal((64L << 20, 16L << 20), (settings.MaxIncomingBytes, settings.MaxIncomingPerPeerBytes));
        Assert.Equal(1L << 30, defaults.MaxIncomingBytes);
        Assert.StartsWith("--max-incoming-mib", Error("--seed-nodes", "akka.tcp://attnrnn@127.0.0.1:4053", "--max-incoming-mib", "8"));
    }

    [Fact]
    public void Seed_nodes_must_be_akka_addresses_of_the_attnrnn_system()
    {
        Assert.Equal("--seed-nodes: expected addresses like akka.ssl.tcp://attnrnn@HOST:PORT or akka.tcp://… (port 1..65535), got \"akka.tcp://other@h:4053\"",
            Error("--seed-nodes", "akka.tcp://attnrnn@h:4053,akka.tcp://other@h:4053"));
        Assert.Contains("got \"10.0.0.5:4053\"", Error("--seed-nodes", "10.0.0.5:4053"));
        Assert.Contains("got \"akka.tcp://attnrnn@h:70000\"", Error("--seed-nodes", "akka.tcp://attnrnn@h:70000"));
    }

    [Fact]
    public void The_bulk_channel_cannot_share_the_workers_port()
    {
        Assert.Equal("--bulk-port = 4060 is also --port: the bulk channel needs a port of its own (or 0 for any free one)",
            Error("--seed-nodes", "akka.tcp://attnrnn@127.0.0.1:4053", "--port", "4060", "--bulk-port", "4060"));
        Assert.IsType<OptionsOutcome<WorkerOptions>.Success>(Parse("--seed-nodes", "akka.tcp://attnrnn@127.0.0.1:4053", "--bulk-port", "4061"));
    }

    [Fact]
    public void A_loopback_worker_cannot_serve_a_remote_coordinator()
    {
        Assert.StartsWith("--hostname (default) = 127.0.0.1 cannot be reached from the coordinator at akka.tcp://attnrnn@10.0.0.5:4053",
            Error("--seed-nodes", "akka.tcp://attnrnn@10.0.0.5:4053"));
        Assert.IsType<OptionsOutcome<WorkerOptions>.Success>(Parse("--seed-nodes", "akka.tcp://attnrnn@localhost:4053"));
        Assert.IsType<OptionsOutcome<WorkerOptions>.Success>(Parse("--seed-nodes", "akka.tcp://attnrnn@10.0.0.5:4053", "--hostname", "10.0.0.6"));
    }

    [Fact]
    public void Worker_help_documents_the_fault_injection_option()
    {
        var help = Assert.IsType<OptionsOutcome<WorkerOptions>.Help>(Parse("--help"));

        Assert.Contains("--inject-delay-ms N", help.Text);
        Assert.Contains("fault injection", help.Text);
        Assert.DoesNotContain("--micro-batch", help.Text);
    }

    [Fact]
    public void Seed_nodes_may_be_a_list_in_the_config_file_and_the_coordinators_keys_there_are_skipped()
    {
        string config = _files.Write("cluster.json", """
            {
              "seed-nodes": ["akka.tcp://attnrnn@10.0.0.5:4053", "akka.tcp://attnrnn@coordinator.lan:4053"],
              "hostname": "10.0.0.6",
              "micro-batch": 8,
            }
            """);

        var options = Succeeds(Parse("--config", config));

        Assert.Equal(["akka.tcp://attnrnn@10.0.0.5:4053", "akka.tcp://attnrnn@coordinator.lan:4053"], options.SeedNodes);
    }
}
