namespace AttnRnnCluster.Hosting.Options;

/// <summary>
/// Options every node has, in both executables: where it listens and how it is reached, and the threads it
/// computes with. Each executable says in its own words what its hostname and port are for.
/// </summary>
public static class NodeOptions
{
    public static LayeredOption<string> Hostname(string defaultValue, string description) =>
        new("hostname", new HostKind(), defaultValue, description);

    public static LayeredOption<int> Port(int defaultValue, string description) =>
        new("port", new IntegerKind(0, 65_535), defaultValue, description);

    public static LayeredOption<string?> PublicHostname() =>
        new("public-hostname", OptionalKind.Host(), null, "the name other machines reach this node by (NAT, containers)")
        {
            DefaultNote = "--hostname",
        };

    /// <summary>
    /// The bulk channel's port, beside the cluster port: messages of 1 MiB and more (weights and gradients of large
    /// models) travel on connections of their own to it. A firewall must let it through, so it can be fixed.
    /// </summary>
    public static LayeredOption<int> BulkPort(int defaultValue) =>
        new("bulk-port", new IntegerKind(0, 65_535), defaultValue,
            "port for messages of 1 MiB and more (weights, gradients of large models) and for the message lanes; 0 = any free port");

    /// <summary>1 GiB: room for a few copies of a real model's weights (tens of MB at H=1024) from each peer (docs/configuration.md).</summary>
    public const int DefaultMaxIncomingMib = (int)(Transport.TransferSettings.DefaultMaxIncomingBytes >> 20);

    /// <summary>
    /// The memory a node holds at once for messages arriving from other nodes (in chunks or over the bulk channel),
    /// each node it hears from getting a quarter: a peer that announces more than that is refused before anything
    /// is allocated (attnrnn.transfer.max-incoming-size).
    /// </summary>
    public static LayeredOption<int> MaxIncomingMib(int defaultValue = DefaultMaxIncomingMib) =>
        new("max-incoming-mib", new IntegerKind(16, 1_048_576), defaultValue,
            "memory for incoming messages, all nodes together (MiB); each node it hears from may hold a quarter of it");

    /// <summary>The error when the bulk channel is given the cluster's own port (it could never listen there).</summary>
    public static string? BulkPortClash(int bulkPort, int port, IOptionOrigins origins) =>
        bulkPort != 0 && bulkPort == port
            ? $"{origins["bulk-port"]} = {bulkPort} is also {origins["port"]}: the bulk channel needs a port of its own (or 0 for any free one)"
            : null;

    public static LayeredOption<int> Threads(int defaultValue, string description = "compute threads of the model engine (same results whatever N)") =>
        new("threads", new IntegerKind(1, 256), defaultValue, description);
}
