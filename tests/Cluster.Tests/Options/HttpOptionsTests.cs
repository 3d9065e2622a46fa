using AttnRnnCluster.Hosting.Options;
using AttnRnnCluster.Worker.Options;
using static AttnRnnCluster.Cluster.Tests.Options.Parsing;

namespace AttnRnnCluster.Cluster.Tests.Options;

/// <summary>--http-port and --http-hostname on train and on the worker: off and on loopback unless told otherwise.</summary>
public sealed class HttpOptionsTests
{
    private const string Seed = "akka.tcp://attnrnn@127.0.0.1:4053";

    private static OptionsOutcome<WorkerOptions> Worker(params string[] args) =>
        WorkerCommandLine.Read(args, Environment(("ATTNRNN_JOIN_TOKEN", JoinTokenOptionsTests.Token)));

    [Fact]
    public void Without_a_port_there_is_no_HTTP_and_with_one_it_is_on_loopback()
    {
        var off = Train();
        var on = Train("--http-port", "9400");
        var worker = Succeeds(Worker("--seed-nodes", Seed, "--http-port", "9401"));

        Assert.False(off.Http.Enabled);
        Assert.Equal((true, 9400, "127.0.0.1"), (on.Http.Enabled, on.Http.Port, on.Http.Hostname));
        Assert.Equal((true, 9401, "127.0.0.1"), (worker.Http.Enabled, worker.Http.Port, worker.Http.Hostname));
        Assert.False(Succeeds(Worker("--seed-nodes", Seed)).Http.Enabled);
    }

    [Fact]
    public void The_environment_gives_both_options()
    {
        var options = Train(Environment(("ATTNRNN_HTTP_PORT", "9400"), ("ATTNRNN_HTTP_HOSTNAME", "0.0.0.0")));

        Assert.Equal((9400, "0.0.0.0"), (options.Http.Port, options.Http.Hostname));
    }

    [Fact]
    public void A_hostname_without_a_port_is_refused()
    {
        Assert.Equal("--http-hostname: only means something with --http-port, which turns the HTTP surface on", CoordinatorError("--http-hostname", "0.0.0.0"));
        Assert.Equal("--http-hostname: only means something with --http-port, which turns the HTTP surface on",
            Assert.Single(Assert.IsType<OptionsOutcome<WorkerOptions>.Failure>(Worker("--seed-nodes", Seed, "--http-hostname", "0.0.0.0")).Errors));
    }

    [Fact]
    public void The_HTTP_port_cannot_be_a_cluster_port()
    {
        Assert.Equal("--http-port = 4053 is also one of this node's cluster ports: the HTTP surface needs a port of its own",
            CoordinatorError("--port", "4053", "--http-port", "4053"));
        Assert.Equal("--http-port = 4061 is also one of this node's cluster ports: the HTTP surface needs a port of its own",
            Assert.Single(Assert.IsType<OptionsOutcome<WorkerOptions>.Failure>(Worker("--seed-nodes", Seed, "--bulk-port", "4061", "--http-port", "4061")).Errors));
    }
}
