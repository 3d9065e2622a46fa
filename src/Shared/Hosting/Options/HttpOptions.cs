namespace AttnRnnCluster.Hosting.Options;

/// <summary>
/// The node's HTTP surface for operators (/healthz, /readyz, /metrics): off unless a port is given, and on loopback
/// unless another address is given, so nothing is exposed by default.
/// </summary>
public sealed record HttpOptions
{
    public const string DefaultHostname = "127.0.0.1";

    /// <summary>0 = no HTTP surface at all.</summary>
    public int Port { get; init; }

    public string Hostname { get; init; } = DefaultHostname;

    public bool Enabled => Port != 0;

    /// <summary>The error when --http-hostname is given without --http-port (it would do nothing); null when all is well.</summary>
    public string? Check(IOptionOrigins origins) =>
        !Enabled && origins.IsSet("http-hostname")
            ? $"{origins["http-hostname"]}: only means something with --http-port, which turns the HTTP surface on"
            : null;

    /// <summary>The error when the HTTP surface is given a port the node already listens on for its cluster or bulk channel.</summary>
    public string? Clash(IOptionOrigins origins, params int[] otherPorts) =>
        Enabled && otherPorts.Contains(Port)
            ? $"{origins["http-port"]} = {Port} is also one of this node's cluster ports: the HTTP surface needs a port of its own"
            : null;
}

/// <summary>The options that fill an <see cref="HttpOptions"/>; the coordinator's train and the worker both have them.</summary>
public sealed class HttpOptionGroup
{
    private static readonly HttpOptions Defaults = new();

    public LayeredOption<int> Port { get; } = new("http-port", new IntegerKind(0, 65_535), Defaults.Port,
        "serve /healthz, /readyz, /metrics (Prometheus) and, on the coordinator, the live page (/) over HTTP on this port; 0 = no HTTP at all");

    public LayeredOption<string> Hostname { get; } = new("http-hostname", new HostKind(), Defaults.Hostname,
        "address the HTTP surface listens on (loopback by default; 0.0.0.0 = every interface, e.g. for Kubernetes probes and Prometheus)");

    public IReadOnlyList<LayeredOption> All => [Port, Hostname];

    public HttpOptions Read(OptionValues values) => new() { Port = values.Get(Port), Hostname = values.Get(Hostname) };
}
