using System.Globalization;
using Akka.Configuration;
using AttnRnnCluster.Protocol;

namespace AttnRnnCluster.Hosting;

/// <summary>
/// The Akka.Cluster part of a node's config. The coordinator is the seed and the oldest member; the split-brain
/// resolver keeps the side that holds it (keep-oldest, and it stays up even when alone), because Akka's usual
/// keep-majority would down a lone coordinator facing N unreachable workers. Workers cut off from it are
/// downed, leave, and rejoin through a fresh actor system (see the worker's host).
/// </summary>
public sealed record ClusterNodeConfig(
    string Role,
    string Hostname,
    int Port,
    string? PublicHostname,
    IReadOnlyList<string> SeedNodes)
{
    /// <summary>How long a partition must be stable before the resolver downs the other side.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Akka's scheduler resolution. Its default, 10 ms, wakes a thread-pool thread 100 times a second in every node
    /// even when idle, which cost 5 % of a core per process here (three idle nodes: 24 % of a core at 10 ms, 9 % at
    /// 100 ms; docs/performance.md). Nothing in this system needs timers finer than a tenth of a second: heartbeats
    /// are 1 s apart and the coordinator's own checks 250 ms.
    /// </summary>
    public static readonly TimeSpan SchedulerTick = TimeSpan.FromMilliseconds(100);

    /// <summary>The bulk channel's port (<c>attnrnn.transfer.bulk-port</c>); 0 = any free port.</summary>
    public int BulkPort { get; init; }

    /// <summary>Memory for incoming transfers, all peers together (<c>attnrnn.transfer.max-incoming-size</c>), in MiB.</summary>
    public int MaxIncomingMib { get; init; } = (int)(Transport.TransferSettings.DefaultMaxIncomingBytes >> 20);

    public Config ToConfig() => ConfigurationFactory.ParseString(ToHocon());

    public string ToHocon()
    {
        string seeds = string.Join(", ", SeedNodes.Select(Quote));
        string publicHost = PublicHostname is null ? "" : $"public-hostname = {Quote(PublicHostname)}";
        return $$"""
            akka {
              actor.provider = cluster
              remote.dot-netty.tcp {
                hostname = {{Quote(Hostname)}}
                port = {{Port.ToString(CultureInfo.InvariantCulture)}}
                {{publicHost}}
              }
              cluster {
                seed-nodes = [{{seeds}}]
                roles = [{{Quote(Role)}}]
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = keep-oldest
                  stable-after = {{StableAfter.TotalSeconds.ToString(CultureInfo.InvariantCulture)}}s
                  keep-oldest {
                    down-if-alone = off
                    role = {{Quote(ClusterRoles.Coordinator)}}
                  }
                }
                run-coordinated-shutdown-when-down = on
                log-info-verbose = off
              }
              scheduler.tick-duration = {{(int)SchedulerTick.TotalMilliseconds}}ms
            }
            attnrnn.transfer.bulk-port = {{BulkPort.ToString(CultureInfo.InvariantCulture)}}
            attnrnn.transfer.max-incoming-size = {{MaxIncomingMib.ToString(CultureInfo.InvariantCulture)}}MiB
            """;
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
