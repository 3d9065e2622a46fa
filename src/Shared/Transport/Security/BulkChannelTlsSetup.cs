using Akka.Actor.Setup;

namespace AttnRnnCluster.Transport.Security;

/// <summary>
/// Hands a node's TLS identity to its bulk channel: <see cref="ClusterTls.CreateSystem"/> adds it next to Akka's
/// DotNettySslSetup, and <see cref="PayloadTransport"/> reads it with <c>system.Settings.Setup.Get</c>. A system with
/// TLS in its config but without this setup keeps the bulk channel off rather than open it in plain text.
/// </summary>
public sealed class BulkChannelTlsSetup(ClusterTls tls) : Setup
{
    public ClusterTls Tls { get; } = tls;
}
