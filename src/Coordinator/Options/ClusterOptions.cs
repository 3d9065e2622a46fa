using AttnRnnCluster.Hosting.Options;
using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Coordinator.Options;

/// <summary>The coordinator as the seed of a cluster of worker processes; <see cref="Port"/> 0 means no cluster.</summary>
public sealed record ClusterOptions
{
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>The port workers join; 0 = no cluster: one process, nothing listens on the network.</summary>
    public int Port { get; init; }

    public string? PublicHostname { get; init; }

    /// <summary>Where this node's bulk channel listens (messages of 1 MiB and more); 0 = any free port.</summary>
    public int BulkPort { get; init; }

    /// <summary>Memory for messages arriving from workers at once, in MiB; each worker may hold a quarter of it.</summary>
    public int MaxIncomingMib { get; init; } = NodeOptions.DefaultMaxIncomingMib;

    /// <summary>Workers (local and remote) to wait for before the first step.</summary>
    public int MinWorkers { get; init; } = 1;

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How long a micro-shard may be out at an unreachable or hung worker before it is handed to another.</summary>
    public TimeSpan ShardTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A micro-shard out this many times longer than the median is also given to an idle worker.</summary>
    public double StragglerFactor { get; init; } = 4;

    /// <summary>Bad results (wrong size, NaN/Inf, absurd norm, unknown step, a shard it could not compute) after which a worker is excluded.</summary>
    public int MaxBadResults { get; init; } = 3;

    /// <summary>How long a started run waits when no worker can compute (the last one gone), before it fails with a checkpoint.</summary>
    public TimeSpan WorkerWait { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Verified training: the fraction of training shards (seeded) that a second worker recomputes, compared bit for bit.</summary>
    public double VerifyFraction { get; init; }

    public WirePrecision WirePrecision { get; init; } = WirePrecision.F32;

    /// <summary>How gradients and weights move: <see cref="DataPlaneChoice.Auto"/> is the chain with a cluster, the star in one process.</summary>
    public DataPlaneChoice DataPlane { get; init; } = DataPlaneChoice.Auto;

    /// <summary>The data plane this run uses.</summary>
    public Protocol.Messages.DataPlane ResolvedDataPlane => DataPlane switch
    {
        DataPlaneChoice.Star => Protocol.Messages.DataPlane.Star,
        DataPlaneChoice.Chain => Protocol.Messages.DataPlane.Chain,
        _ => Enabled ? Protocol.Messages.DataPlane.Chain : Protocol.Messages.DataPlane.Star,
    };

    public TlsOptions Tls { get; init; } = new();

    public bool Enabled => Port != 0;

    /// <summary>Options that do nothing without a cluster; giving one without --port is a mistake worth reporting.</summary>
    public static readonly IReadOnlyList<string> ClusterOnly = ["hostname", "public-hostname", "bulk-port", "max-incoming-mib", "min-workers", "start-timeout", "tls-cert", "join-token-file", "insecure"];
}

/// <summary>The <c>--data-plane</c> choices.</summary>
public enum DataPlaneChoice
{
    Auto,
    Star,
    Chain,
}

/// <summary>The options that fill a <see cref="ClusterOptions"/>.</summary>
public sealed class ClusterOptionGroup
{
    private static readonly ClusterOptions Defaults = new();

    public LayeredOption<string> Hostname { get; } = NodeOptions.Hostname(Defaults.Hostname, "address to listen on (0.0.0.0 = every interface)");

    public LayeredOption<int> Port { get; } = NodeOptions.Port(Defaults.Port, "port workers join; 0 = no cluster (one process, nothing listens)");

    public LayeredOption<string?> PublicHostname { get; } = NodeOptions.PublicHostname();

    public LayeredOption<int> BulkPort { get; } = NodeOptions.BulkPort(Defaults.BulkPort);

    public LayeredOption<int> MaxIncomingMib { get; } = NodeOptions.MaxIncomingMib(Defaults.MaxIncomingMib);

    public LayeredOption<int> MinWorkers { get; } = new("min-workers", new IntegerKind(1, 100_000), Defaults.MinWorkers,
        "workers (local and remote) to wait for before the first step");

    public LayeredOption<TimeSpan> StartTimeout { get; } = new("start-timeout", new SecondsKind(), Defaults.StartTimeout,
        "give up if --min-workers have not joined within this time");

    public LayeredOption<TimeSpan> ShardTimeout { get; } = new("shard-timeout", new SecondsKind(), Defaults.ShardTimeout,
        "hand a worker's micro-shards to others when it has sent nothing (no result, no progress beat) this long; a computing worker beats every quarter of it");

    public LayeredOption<double> StragglerFactor { get; } = new("straggler-factor", new NumberKind(1, 1000, MinExclusive: true), Defaults.StragglerFactor,
        "also give a micro-shard to an idle worker once it is out this many times the median");

    public LayeredOption<int> MaxBadResults { get; } = new("max-bad-results", new IntegerKind(1, 1_000_000), Defaults.MaxBadResults,
        "exclude a worker after this many bad results (wrong size, NaN/Inf, absurd norm, unknown step) and shards it could not compute");

    public LayeredOption<TimeSpan> WorkerWait { get; } = new("worker-wait", new SecondsKind(), Defaults.WorkerWait,
        "once training has started, how long to wait when no worker can compute (the last one gone) before the run fails, with a checkpoint to resume from");

    public LayeredOption<double> VerifyFraction { get; } = new("verify-fraction", new NumberKind(0, 1), Defaults.VerifyFraction,
        "verified training: this fraction of training micro-shards (seeded) is recomputed by a second worker and compared bit for bit; a worker whose result differs is excluded");

    public LayeredOption<WirePrecision> WirePrecision { get; } = new("wire-precision", ChoiceKind.Of<WirePrecision>(), Defaults.WirePrecision,
        "precision of the weights the coordinator broadcasts and of the gradients workers send back: f32 (exact) or bf16 (half the bytes; each rounded to bf16 by its sender, master weights and optimizer stay f32; the same bits in one process as in a cluster)");

    public LayeredOption<DataPlaneChoice> DataPlane { get; } = new("data-plane", ChoiceKind.Of<DataPlaneChoice>(), Defaults.DataPlane,
        "how gradients and weights move: chain (workers keep their gradients and pass a running sum on in shard order, the last to the coordinator; the new weights go back down a chain of workers: about two models each way per worker's link), star (every gradient to the coordinator, the weights from it to every worker), or auto (chain with a cluster, star in one process); the same bits either way");

    public TlsOptionGroup Tls { get; } = new();

    public IReadOnlyList<LayeredOption> All =>
        [Hostname, Port, PublicHostname, BulkPort, MaxIncomingMib, MinWorkers, StartTimeout, ShardTimeout, StragglerFactor, MaxBadResults, WorkerWait, VerifyFraction, WirePrecision, DataPlane, .. Tls.All];

    public ClusterOptions Read(OptionValues values) => new()
    {
        Hostname = values.Get(Hostname),
        Port = values.Get(Port),
        PublicHostname = values.Get(PublicHostname),
        BulkPort = values.Get(BulkPort),
        MaxIncomingMib = values.Get(MaxIncomingMib),
        MinWorkers = values.Get(MinWorkers),
        StartTimeout = values.Get(StartTimeout),
        ShardTimeout = values.Get(ShardTimeout),
        StragglerFactor = values.Get(StragglerFactor),
        MaxBadResults = values.Get(MaxBadResults),
        WorkerWait = values.Get(WorkerWait),
        VerifyFraction = values.Get(VerifyFraction),
        WirePrecision = values.Get(WirePrecision),
        DataPlane = values.Get(DataPlane),
        Tls = Tls.Read(values),
    };
}
