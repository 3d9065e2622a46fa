using Akka.Configuration;
using AttnRnnCluster.Shared.Protocol;
using AttnRnnCluster.Shared.Transfer;

namespace AttnRnnCluster.Shared.Serialization;

/// <summary>
/// The actor-system config of the wire: <see cref="ProtocolSerializer"/> bound to <see cref="IProtocolMessage"/>,
/// no fallback to Akka's JSON serializer for anything unbound, remote frames sized for the transfer's chunks,
/// and <see cref="PayloadTransport"/> started on every node. Put it in front of the rest of a node's config
/// (<c>WireConfig.Create(...).WithFallback(rest)</c>); Akka's own messages keep their built-in serializers.
/// </summary>
public static class WireConfig
{
    public const string SerializerName = "attnrnn-protocol";

    /// <summary>Akka's default maximum-frame-size, which this config only ever raises.</summary>
    private const int AkkaDefaultFrameSize = 128_000;

    public static Config Create(WirePrecision precision = WirePrecision.F32, TransferSettings? transfer = null) =>
        ConfigurationFactory.ParseString(Hocon(precision, transfer ?? TransferSettings.Default));

    public static string Hocon(WirePrecision precision, TransferSettings transfer)
    {
        transfer.Validate();
        return $$"""
            akka {
              # Loaded at startup so each node's payload-receiver exists before any chunk arrives. (HOCON lists
              # replace rather than merge: a node that loads other extensions must list this one with them.)
              extensions = ["{{TypeName<PayloadTransportId>()}}"]
              actor {
                serializers {
                  {{SerializerName}} = "{{TypeName<ProtocolSerializer>()}}"
                }
                serialization-bindings {
                  "{{TypeName<IProtocolMessage>()}}" = {{SerializerName}}
                }
                # Akka 1.5.66+: a type with no binding is an error instead of silently going to the
                # System.Object (Newtonsoft JSON) serializer. Akka's own messages have their own bindings.
                serialization-settings.allow-unregistered-types = false
              }
              remote.dot-netty.tcp {
                # A chunk plus headers must fit one frame (the default 128000b holds chunks up to 109 KiB).
                maximum-frame-size = {{Math.Max(transfer.RequiredFrameSize, AkkaDefaultFrameSize)}}b
              }
            }
            attnrnn {
              wire-precision = {{precision.Name()}}
            }
            {{transfer.ToHocon()}}
            """;
    }

    /// <summary>"Namespace.Type, Assembly": the form Akka's config expects.</summary>
    private static string TypeName<T>() => $"{typeof(T).FullName}, {typeof(T).Assembly.GetName().Name}";
}
