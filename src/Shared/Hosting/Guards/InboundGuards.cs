using AttnRnnCluster.Protocol;

namespace AttnRnnCluster.Hosting.Guards;

/// <summary>
/// The config of a cluster node against what other nodes may send it (docs/reliability.md):
/// <list type="bullet">
/// <item>Akka.Remote's untrusted mode: nothing reaches the remote daemon (no remote deployment), possibly harmful
/// messages (PoisonPill, a refused message) are dropped, and actor selections from other nodes reach only
/// <see cref="TrustedSelectionPaths"/>;</item>
/// <item>Akka's serializers that no message of ours or Akka's needs are replaced, under the same names and ids, by ones
/// that refuse every inbound frame (<see cref="RefusingSerializer"/>); the two that carry Akka's own messages decode
/// only what a node needs (<see cref="MiscMessageGuard"/>, <see cref="SystemMessageGuard"/>).</item>
/// </list>
/// Left as Akka has them: the cluster's own serializers, the selection container, and primitives (strings, numbers:
/// an Identify's id), none of which builds a type a peer names.
/// </summary>
public static class InboundGuards
{
    /// <summary>
    /// The only paths an actor selection from another node may reach: the coordinator (workers find it with
    /// <c>Identify</c>), and Akka.Cluster's daemon and heartbeat receiver, which cluster members reach by selection.
    /// </summary>
    public static readonly IReadOnlyList<string> TrustedSelectionPaths =
        [$"/user/{ActorNames.Coordinator}", "/system/cluster/core/daemon", "/system/cluster/heartbeatReceiver"];

    public static string Hocon => $$"""
        akka.remote {
          untrusted-mode = on
          trusted-selection-paths = [{{string.Join(", ", TrustedSelectionPaths.Select(p => $"\"{p}\""))}}]
        }
        akka.actor.serializers {
          json = "{{TypeName<RefusedJsonSerializer>()}}"
          proto = "{{TypeName<RefusedProtobufSerializer>()}}"
          daemon-create = "{{TypeName<RefusedDaemonCreateSerializer>()}}"
          bytes = "{{TypeName<RefusedBytesSerializer>()}}"
          akka-misc = "{{TypeName<MiscMessageGuard>()}}"
          akka-system-msg = "{{TypeName<SystemMessageGuard>()}}"
        }
        """;

    private static string TypeName<T>() => $"{typeof(T).FullName}, {typeof(T).Assembly.GetName().Name}";
}
