using Akka.Configuration;
using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Transport;

/// <summary>
/// The transport's part of an actor system's config: <see cref="TransportSerializer"/> bound to
/// <see cref="ITransportMessage"/>, remote frames sized for the transfer's chunks, the <c>attnrnn.transfer</c>
/// settings, and <see cref="PayloadTransport"/> started on every node. The node's config (Hosting's NodeConfig)
/// puts it together with the training protocol's serializer.
/// </summary>
public static class TransportConfig
{
    /// <summary>Akka's default maximum-frame-size, which this config only ever raises.</summary>
    private const int AkkaDefaultFrameSize = 128_000;

    public static Config Create(TransferSettings? transfer = null) => ConfigurationFactory.ParseString(Hocon(transfer ?? TransferSettings.Default));

    public static string Hocon(TransferSettings transfer)
    {
        transfer.Validate();
        return $$"""
            akka {
              # Loaded at startup so each node's payload-receiver exists before any chunk arrives. (HOCON lists
              # replace rather than merge: a node that loads other extensions must list this one with them.)
              extensions = ["{{FormatSerializer.TypeName(typeof(PayloadTransportId))}}"]
              actor {
                serializers {
                  {{TransportSerializer.Name}} = "{{FormatSerializer.TypeName(typeof(TransportSerializer))}}"
                }
                serialization-bindings {
                  "{{FormatSerializer.TypeName(typeof(ITransportMessage))}}" = {{TransportSerializer.Name}}
                }
              }
              remote.dot-netty.tcp {
                # A chunk plus headers must fit one frame (the default 128000b holds chunks up to 109 KiB).
                maximum-frame-size = {{Math.Max(transfer.RequiredFrameSize, AkkaDefaultFrameSize)}}b
              }
            }
            {{transfer.ToHocon()}}
            """;
    }
}
