using Akka.Actor;
using Akka.Configuration;
using AttnRnnCluster.Hosting.Guards;
using AttnRnnCluster.Hosting.Logging;
using AttnRnnCluster.Protocol;
using AttnRnnCluster.Protocol.Formats;
using AttnRnnCluster.Transport;
using AttnRnnCluster.Transport.Security;

namespace AttnRnnCluster.Hosting;

/// <summary>
/// The one place that builds an actor system's config, for every kind of node:
/// <list type="bullet">
/// <item><see cref="InProcess"/>: a whole run in one process, no remoting (nothing listens on the network);</item>
/// <item><see cref="ClusterNode"/>: a coordinator or a worker of a cluster;</item>
/// <item><see cref="Wire"/>: only the serializers and the transport, for tests and benchmarks of the wire.</item>
/// </list>
/// Each is the node's own part in front of what they all share: the training protocol's serializer (also in one
/// process, so that a message that could not cross the wire fails in tests too), the transport, the coordinator's and
/// the workers' dispatchers, and logging through Serilog. <see cref="Create"/> makes the system, with mutual TLS when
/// it is given.
/// <para>
/// Akka.Hosting was weighed for this and not used: its builder lives in a Microsoft.Extensions.Hosting container with
/// one actor system for the host's lifetime, while a worker starts a fresh actor system each time it rejoins the
/// cluster, and TLS reaches the transport as setups (DotNettySslSetup, the bulk channel's) made per system.
/// </para>
/// </summary>
public static class NodeConfig
{
    /// <summary>A whole run in one process; <paramref name="extraHocon"/> (tests) goes in front.</summary>
    public static Config InProcess(string? extraHocon = null) =>
        Shared(ConfigurationFactory.ParseString(extraHocon ?? "").WithFallback(ConfigurationFactory.ParseString("akka.actor.provider = local")));

    /// <summary>
    /// A node of a cluster. What other nodes may send it is guarded (<see cref="InboundGuards"/>): untrusted mode, and
    /// only the serializers it needs read the network.
    /// </summary>
    public static Config ClusterNode(ClusterNodeConfig node) =>
        Shared(node.ToConfig().WithFallback(ConfigurationFactory.ParseString(InboundGuards.Hocon)));

    /// <summary>The serializers and the transport alone (no dispatchers, no logging): for tests and benchmarks of the wire.</summary>
    public static Config Wire(TransferSettings? transfer = null) =>
        ConfigurationFactory.ParseString(ProtocolSerializer.Hocon).WithFallback(TransportConfig.Create(transfer));

    /// <summary>The actor system of a node: with mutual TLS for all its traffic when <paramref name="tls"/> is given.</summary>
    public static ActorSystem Create(Config config, ClusterTls? tls = null) => ClusterTls.CreateSystem(ActorNames.System, config, tls);

    /// <summary>
    /// The process, not Akka, decides when it ends: a node leaves its cluster and terminates its actor system itself,
    /// bounded in time, when its run is over or a signal comes (<see cref="StopSignals"/>); Akka's own exit hook would
    /// run its shutdown again, unbounded, inside the process's exit.
    /// </summary>
    private const string ProcessOwnsShutdown = "akka.coordinated-shutdown { exit-clr = off, run-by-clr-shutdown-hook = off }";

    private static Config Shared(Config specific) =>
        specific
            .WithFallback(ConfigurationFactory.ParseString(ProcessOwnsShutdown))
            .WithFallback(Wire())
            .WithFallback(ConfigurationFactory.ParseString(NodeDispatchers.Hocon))
            .WithFallback(ConfigurationFactory.ParseString(LogSetup.AkkaLoggingHocon));
}
