using System.Net;
using AttnRnnCluster.Hosting.Logging;

namespace AttnRnnCluster.Hosting.Options;

/// <summary>Everything the worker executable needs: where the coordinator is, how to be reached, how to compute.</summary>
public sealed record WorkerOptions
{
    /// <summary>Akka addresses of the coordinator (the cluster's seed), e.g. akka.tcp://attnrnn@10.0.0.5:4053.</summary>
    public IReadOnlyList<string> SeedNodes { get; init; } = [];

    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>The port this worker listens on; 0 = any free port.</summary>
    public int Port { get; init; }

    public string? PublicHostname { get; init; }

    /// <summary>Where this worker's bulk channel listens (messages of 1 MiB and more); 0 = any free port.</summary>
    public int BulkPort { get; init; }

    /// <summary>The worker's name in the logs; null = the machine name and process id.</summary>
    public string? Name { get; init; }

    public int Threads { get; init; } = 1;

    /// <summary>How long to keep retrying when the coordinator cannot be reached (before it starts, or after it is lost).</summary>
    public TimeSpan CoordinatorTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Fault injection for tests and drills: sleep this long before computing each micro-shard.</summary>
    public TimeSpan InjectDelay { get; init; } = TimeSpan.Zero;

    public TlsOptions Tls { get; init; } = new();
    public LogOptions Logging { get; init; } = new();

    public string DisplayName => Name ?? $"{Environment.MachineName}-{Environment.ProcessId}";

    public static readonly OptionTable<WorkerOptions> Table = new(
        Command: "worker",
        Usage: "dotnet run --project src/Worker -- --seed-nodes akka.tcp://attnrnn@HOST:PORT [options]",
        Summary: "Joins the coordinator's cluster and computes micro-shards until the training ends.",
        Defaults: new WorkerOptions(),
        Sections:
        [
            new("cluster",
            [
                new Option<WorkerOptions>("seed-nodes", new SeedNodesValue(), "the coordinator's address(es), comma-separated",
                    o => o.SeedNodes, (o, v) => o with { SeedNodes = (IReadOnlyList<string>)v }),
                Option.Hostname<WorkerOptions>(o => o.Hostname, (o, v) => o with { Hostname = v },
                    "address to listen on; must be reachable by the coordinator (or give --public-hostname)"),
                Option.Integer<WorkerOptions>("port", 0, 65_535, o => o.Port, (o, v) => o with { Port = v }, "port to listen on; 0 = any free port"),
                Option.PublicHostname<WorkerOptions>(o => o.PublicHostname, (o, v) => o with { PublicHostname = v }),
                Option.BulkPort<WorkerOptions>(o => o.BulkPort, (o, v) => o with { BulkPort = v }),
                Option.Seconds<WorkerOptions>("coordinator-timeout", o => o.CoordinatorTimeout, (o, v) => o with { CoordinatorTimeout = v },
                    "keep retrying this long when the coordinator is unreachable, then exit non-zero"),
                .. TlsOptions.Table.Select(o => o.In<WorkerOptions>(w => w.Tls, (w, tls) => w with { Tls = tls })),
            ]),
            new("compute",
            [
                Option.Text<WorkerOptions>("name", new TextValue("NAME"), o => o.Name, (o, v) => o with { Name = v },
                    "this worker's name in the logs")
                    with { DefaultNote = "<machine>-<process id>" },
                Option.Threads<WorkerOptions>(o => o.Threads, (o, v) => o with { Threads = v }),
                new Option<WorkerOptions>("inject-delay-ms", new IntegerValue(0, 3_600_000),
                    "fault injection (tests, drills): sleep N ms before each micro-shard",
                    o => (long)o.InjectDelay.TotalMilliseconds, (o, v) => o with { InjectDelay = TimeSpan.FromMilliseconds((long)v) }),
            ]),
            new("logging", [.. LoggingOptionTable.Create("none").Select(o => o.In<WorkerOptions>(w => w.Logging, (w, v) => w with { Logging = v }))]),
        ])
    {
        Required = new HashSet<string> { "seed-nodes" },
        Check = (options, origins) => options.Check(origins),
    };

    private IEnumerable<string> Check(Provenance origins)
    {
        foreach (string error in Tls.Check(origins))
            yield return error;
        if (Option.BulkPortClash(BulkPort, Port, origins) is { } clash)
            yield return clash;
        // A worker advertises its own address; a loopback address is unreachable from a coordinator elsewhere.
        if (PublicHostname is null && IsLoopback(Hostname) && SeedNodes.FirstOrDefault(node => !IsLoopback(HostOf(node))) is { } remote)
            yield return $"{origins["hostname"]} = {Hostname} cannot be reached from the coordinator at {remote}: "
                         + "give --hostname an address of this machine (or 0.0.0.0 with --public-hostname)";
    }

    private static string HostOf(string seedNode) => seedNode[(seedNode.IndexOf('@') + 1)..seedNode.LastIndexOf(':')];

    private static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
