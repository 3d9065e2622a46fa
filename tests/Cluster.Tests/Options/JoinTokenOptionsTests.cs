using AttnRnnCluster.Hosting.Options;
using AttnRnnCluster.Worker.Options;
using static AttnRnnCluster.Cluster.Tests.Options.Parsing;

namespace AttnRnnCluster.Cluster.Tests.Options;

/// <summary>The join token, --insecure and PKI mode as options: where each may come from, which go together, and that the token is never echoed.</summary>
public sealed class JoinTokenOptionsTests : IDisposable
{
    /// <summary>A usable token for tests (random-looking, 64 hex digits).</summary>
    public const string Token = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private const string Seed = "akka.ssl.tcp://attnrnn@127.0.0.1:4053";

    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static OptionsOutcome<WorkerOptions> Worker(System.Collections.IDictionary environment, params string[] args) =>
        WorkerCommandLine.Read(args, environment);

    private static string WorkerError(System.Collections.IDictionary environment, params string[] args) =>
        Assert.Single(Assert.IsType<OptionsOutcome<WorkerOptions>.Failure>(Worker(environment, args)).Errors);

    [Fact]
    public void A_worker_without_token_certificate_or_insecure_is_told_what_to_pass()
    {
        string error = WorkerError(NoEnvironment, "--seed-nodes", Seed);

        Assert.Equal("a worker needs the cluster's join token: give --join-token-file FILE (a copy of the coordinator's <run folder>/join-token) "
                     + "or set ATTNRNN_JOIN_TOKEN; or --tls-cert FILE in a PKI cluster; or --insecure for a coordinator started with --insecure", error);
    }

    [Fact]
    public void The_token_comes_from_a_file_or_the_environment_never_the_command_line_and_is_never_printed()
    {
        string file = _files.Write("join-token", Token + "\n");

        var fromFile = Succeeds(Worker(NoEnvironment, "--seed-nodes", Seed, "--join-token-file", file));
        var fromEnvironment = Succeeds(Worker(Environment(("ATTNRNN_JOIN_TOKEN", Token)), "--seed-nodes", Seed));
        string onCommandLine = WorkerError(NoEnvironment, "--seed-nodes", Seed, "--join-token", Token);

        Assert.True(fromFile.Tls.ReadJoinToken()!.SameAs(fromEnvironment.Tls.ReadJoinToken()!));
        Assert.StartsWith("--join-token is not accepted on the command line", onCommandLine);
        Assert.DoesNotContain(Token, onCommandLine);
        Assert.DoesNotContain(Token, fromEnvironment.ToString());
        Assert.Contains("JoinToken = ***", fromEnvironment.ToString());
    }

    [Fact]
    public void A_weak_token_in_the_environment_is_refused_without_echoing_it()
    {
        const string weak = "password-password-password-password";

        string error = WorkerError(Environment(("ATTNRNN_JOIN_TOKEN", weak)), "--seed-nodes", Seed);

        Assert.StartsWith("ATTNRNN_JOIN_TOKEN (environment): this join token has fewer than 12 distinct characters", error);
        Assert.DoesNotContain(weak, error);
    }

    [Fact]
    public void Token_certificate_and_insecure_exclude_each_other()
    {
        string certificate = _files.Write("node.pfx", "");
        string file = _files.Write("join-token", Token);
        var token = Environment(("ATTNRNN_JOIN_TOKEN", Token));

        Assert.Equal("--tls-cert and ATTNRNN_JOIN_TOKEN (environment): a node uses either a certificate (PKI mode) or the join token, not both",
            CoordinatorError(token, "--port", "4053", "--tls-cert", certificate));
        Assert.Equal("--join-token-file and ATTNRNN_JOIN_TOKEN (environment) both give the join token: give one",
            WorkerError(token, "--seed-nodes", Seed, "--join-token-file", file));
        Assert.Equal("--insecure and --join-token-file: --insecure turns authentication off; give one or the other",
            CoordinatorError("--port", "4053", "--insecure", "--join-token-file", file));
    }

    [Fact]
    public void Insecure_is_a_switch_that_may_be_given_bare()
    {
        Assert.True(Train("--port", "4053", "--insecure").Cluster.Tls.Insecure);
        Assert.True(Train("--insecure", "--port", "4053").Cluster.Tls.Insecure);
        Assert.False(Train("--port", "4053", "--insecure", "off").Cluster.Tls.Insecure);
        Assert.False(Train("--port", "4053").Cluster.Tls.Insecure);
        Assert.True(Succeeds(Worker(NoEnvironment, "--seed-nodes", "akka.tcp://attnrnn@127.0.0.1:4053", "--insecure")).Tls.Insecure);
        Assert.Equal("--insecure: only means something in a cluster; give --port to start one", CoordinatorError("--insecure"));
    }

    [Fact]
    public void The_worker_takes_the_seed_address_the_coordinator_prints_with_TLS_as_printed()
    {
        var options = Succeeds(Worker(Environment(("ATTNRNN_JOIN_TOKEN", Token)), "--seed-nodes", "akka.ssl.tcp://attnrnn@10.0.0.5:4053", "--hostname", "10.0.0.6"));

        Assert.Equal(["akka.ssl.tcp://attnrnn@10.0.0.5:4053"], options.SeedNodes);
    }
}
