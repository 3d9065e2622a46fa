using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Hosting.Options;

/// <summary>The coordinator as the seed of a cluster of worker processes; <see cref="Port"/> 0 means no cluster.</summary>
public sealed record ClusterOptions
{
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>The port workers join; 0 = no cluster: one process, nothing listens on the network.</summary>
    public int Port { get; init; }

    public string? PublicHostname { get; init; }

    /// <summary>Where this node's bulk channel listens (messages of 1 MiB and more); 0 = any free port.</summary>
    public int BulkPort { get; init; }

    /// <summary>Workers (local and remote) to wait for before the first step.</summary>
    public int MinWorkers { get; init; } = 1;

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How long a micro-shard may be out at an unreachable or hung worker before it is handed to another.</summary>
    public TimeSpan ShardTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A micro-shard out this many times longer than the median is also given to an idle worker.</summary>
    public double StragglerFactor { get; init; } = 4;

    /// <summary>Bad results (wrong size, NaN/Inf, unknown step) after which a worker is excluded.</summary>
    public int MaxBadResults { get; init; } = 3;

    public WirePrecision WirePrecision { get; init; } = WirePrecision.F32;

    public TlsOptions Tls { get; init; } = new();

    public bool Enabled => Port != 0;

    /// <summary>Options that do nothing without a cluster; giving one without --port is a mistake worth reporting.</summary>
    public static readonly IReadOnlyList<string> ClusterOnly = ["hostname", "public-hostname", "bulk-port", "min-workers", "start-timeout", "tls-cert"];

    public static readonly IReadOnlyList<Option<ClusterOptions>> Table =
    [
        Option.Hostname<ClusterOptions>(o => o.Hostname, (o, v) => o with { Hostname = v },
            "address to listen on (0.0.0.0 = every interface)"),
        Option.Integer<ClusterOptions>("port", 0, 65_535, o => o.Port, (o, v) => o with { Port = v },
            "port workers join; 0 = no cluster (one process, nothing listens)"),
        Option.PublicHostname<ClusterOptions>(o => o.PublicHostname, (o, v) => o with { PublicHostname = v }),
        Option.BulkPort<ClusterOptions>(o => o.BulkPort, (o, v) => o with { BulkPort = v }),
        Option.Integer<ClusterOptions>("min-workers", 1, 100_000, o => o.MinWorkers, (o, v) => o with { MinWorkers = v },
            "workers (local and remote) to wait for before the first step"),
        Option.Seconds<ClusterOptions>("start-timeout", o => o.StartTimeout, (o, v) => o with { StartTimeout = v },
            "give up if --min-workers have not joined within this time"),
        Option.Seconds<ClusterOptions>("shard-timeout", o => o.ShardTimeout, (o, v) => o with { ShardTimeout = v },
            "hand a micro-shard to another worker when its worker is unreachable or silent this long"),
        Option.Number<ClusterOptions>("straggler-factor", new NumberValue(1, 1000, MinExclusive: true), o => o.StragglerFactor,
            (o, v) => o with { StragglerFactor = v }, "also give a micro-shard to an idle worker once it is out this many times the median"),
        Option.Integer<ClusterOptions>("max-bad-results", 1, 1_000_000, o => o.MaxBadResults, (o, v) => o with { MaxBadResults = v },
            "exclude a worker after this many bad results (wrong size, NaN/Inf, unknown step)"),
        Option.Choice<ClusterOptions, WirePrecision>("wire-precision", o => o.WirePrecision, (o, v) => o with { WirePrecision = v },
            "weights and gradients on the wire: f32 (exact) or bf16 (half the bytes, rounded; cluster only)"),
        .. TlsOptions.Table.Select(o => o.In<ClusterOptions>(c => c.Tls, (c, tls) => c with { Tls = tls })),
    ];
}
