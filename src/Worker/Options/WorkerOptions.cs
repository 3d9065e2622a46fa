using System.Net;
using AttnRnnCluster.Hosting.Logging;
using AttnRnnCluster.Hosting.Options;
using AttnRnnCluster.Worker.Training;

namespace AttnRnnCluster.Worker.Options;

/// <summary>Everything the worker executable needs: where the coordinator is, how to be reached, how to compute.</summary>
public sealed record WorkerOptions : ICheckedOptions
{
    /// <summary>Akka addresses of the coordinator (the cluster's seed), e.g. akka.ssl.tcp://attnrnn@10.0.0.5:4053.</summary>
    public IReadOnlyList<string> SeedNodes { get; init; } = [];

    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>The port this worker listens on; 0 = any free port.</summary>
    public int Port { get; init; }

    public string? PublicHostname { get; init; }

    /// <summary>Where this worker's bulk channel listens (messages of 1 MiB and more); 0 = any free port.</summary>
    public int BulkPort { get; init; }

    /// <summary>Memory for messages arriving from other nodes at once, in MiB; each may hold a quarter of it.</summary>
    public int MaxIncomingMib { get; init; } = NodeOptions.DefaultMaxIncomingMib;

    /// <summary>The worker's name in the logs; null = the machine name and process id.</summary>
    public string? Name { get; init; }

    public int Threads { get; init; } = 1;

    /// <summary>How long to keep retrying when the coordinator cannot be reached (before it starts, or after it is lost).</summary>
    public TimeSpan CoordinatorTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Fault injection for tests and drills: sleep this long before computing each micro-shard.</summary>
    public TimeSpan InjectDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Fault injection: the chain data plane's relay sleeps this long before it passes each step's sum on (a slow relay).</summary>
    public TimeSpan InjectRelayDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Fault injection for tests and drills: fail every shard, or corrupt the gradients (see <see cref="WorkerFault"/>).</summary>
    public WorkerFault InjectFault { get; init; } = WorkerFault.None;

    public TlsOptions Tls { get; init; } = new();
    public HttpOptions Http { get; init; } = new();
    public LogOptions Logging { get; init; } = new();

    public string DisplayName => Name ?? $"{Environment.MachineName}-{Environment.ProcessId}";

    public static OptionsCommand<WorkerOptions> Command()
    {
        var defaults = new WorkerOptions();
        var seedNodes = new LayeredOption<IReadOnlyList<string>>("seed-nodes", new SeedNodesKind(), defaults.SeedNodes,
            "the coordinator's address(es), comma-separated") { MustBeGiven = true };
        var hostname = NodeOptions.Hostname(defaults.Hostname, "address to listen on; must be reachable by the coordinator (or give --public-hostname)");
        var port = NodeOptions.Port(defaults.Port, "port to listen on; 0 = any free port");
        var publicHostname = NodeOptions.PublicHostname();
        var bulkPort = NodeOptions.BulkPort(defaults.BulkPort);
        var maxIncomingMib = NodeOptions.MaxIncomingMib(defaults.MaxIncomingMib);
        var coordinatorTimeout = new LayeredOption<TimeSpan>("coordinator-timeout", new SecondsKind(), defaults.CoordinatorTimeout,
            "keep retrying this long when the coordinator is unreachable, then exit non-zero");
        var tls = new TlsOptionGroup();
        var name = new LayeredOption<string?>("name", OptionalKind.Text("NAME"), defaults.Name, "this worker's name in the logs")
        {
            DefaultNote = "<machine>-<process id>",
        };
        var threads = NodeOptions.Threads(defaults.Threads);
        var injectDelayMs = new LayeredOption<int>("inject-delay-ms", new IntegerKind(0, 3_600_000), (int)defaults.InjectDelay.TotalMilliseconds,
            "fault injection (tests, drills): sleep N ms before each micro-shard");
        var injectRelayDelayMs = new LayeredOption<int>("inject-relay-delay-ms", new IntegerKind(0, 3_600_000), (int)defaults.InjectRelayDelay.TotalMilliseconds,
            "fault injection (tests, drills): with the chain data plane, sleep N ms before passing each step's sum on (a slow relay)");
        var injectFault = new LayeredOption<WorkerFault>("inject-fault", FaultChoices, defaults.InjectFault,
            "fault injection (tests, drills): answer every shard with a failure, send 1e30 gradients, or flip one bit in 1 % of the gradients");
        var http = new HttpOptionGroup();
        var logging = new LoggingOptionGroup("none");
        return new OptionsCommand<WorkerOptions>(
            Name: "worker",
            Usage: "dotnet run --project src/Worker -- --seed-nodes akka.ssl.tcp://attnrnn@HOST:PORT --join-token-file FILE [options]",
            Summary: "Joins the coordinator's cluster and computes micro-shards until the training ends.",
            Sections:
            [
                new("cluster", [seedNodes, hostname, port, publicHostname, bulkPort, maxIncomingMib, coordinatorTimeout, .. tls.All]),
                new("compute", [name, threads, injectDelayMs, injectRelayDelayMs, injectFault]),
                new("http", http.All),
                new("logging", logging.All),
            ],
            Read: values => new WorkerOptions
            {
                SeedNodes = values.Get(seedNodes),
                Hostname = values.Get(hostname),
                Port = values.Get(port),
                PublicHostname = values.Get(publicHostname),
                BulkPort = values.Get(bulkPort),
                MaxIncomingMib = values.Get(maxIncomingMib),
                CoordinatorTimeout = values.Get(coordinatorTimeout),
                Tls = tls.Read(values),
                Name = values.Get(name),
                Threads = values.Get(threads),
                InjectDelay = TimeSpan.FromMilliseconds(values.Get(injectDelayMs)),
                InjectRelayDelay = TimeSpan.FromMilliseconds(values.Get(injectRelayDelayMs)),
                InjectFault = values.Get(injectFault),
                Http = http.Read(values),
                Logging = logging.Read(values),
            });
    }

    private static readonly ChoiceKind<WorkerFault> FaultChoices = new(
    [
        KeyValuePair.Create("none", WorkerFault.None),
        KeyValuePair.Create("fail-every-shard", WorkerFault.FailEveryShard),
        KeyValuePair.Create("huge-gradient", WorkerFault.HugeGradient),
        KeyValuePair.Create("flip-bit-1pct", WorkerFault.FlipBit1Pct),
    ], []);

    public IEnumerable<string> Check(IOptionOrigins origins)
    {
        foreach (string error in Tls.Check(origins))
            yield return error;
        if (!Tls.Enabled && !Tls.HasJoinToken && !Tls.Insecure)
            yield return "a worker needs the cluster's join token: give --join-token-file FILE (a copy of the coordinator's <run folder>/join-token) "
                         + "or set ATTNRNN_JOIN_TOKEN; or --tls-cert FILE in a PKI cluster; or --insecure for a coordinator started with --insecure";
        if (NodeOptions.BulkPortClash(BulkPort, Port, origins) is { } clash)
            yield return clash;
        if ((Http.Check(origins) ?? Http.Clash(origins, Port, BulkPort)) is { } httpMistake)
            yield return httpMistake;
        // A worker advertises its own address; a loopback address is unreachable from a coordinator elsewhere.
        if (PublicHostname is null && IsLoopback(Hostname) && SeedNodes.FirstOrDefault(node => !IsLoopback(HostOf(node))) is { } remote)
            yield return $"{origins["hostname"]} = {Hostname} cannot be reached from the coordinator at {remote}: "
                         + "give --hostname an address of this machine (or 0.0.0.0 with --public-hostname)";
    }

    private static string HostOf(string seedNode) => seedNode[(seedNode.IndexOf('@') + 1)..seedNode.LastIndexOf(':')];

    private static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
