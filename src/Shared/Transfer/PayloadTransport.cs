using Akka.Actor;
using Akka.Configuration;
using Akka.Remote;
using AttnRnnCluster.Shared.Protocol;
using AttnRnnCluster.Shared.Serialization;

namespace AttnRnnCluster.Shared.Transfer;

/// <summary>
/// Sends protocol messages of any size. Local recipients and messages that fit one chunk get a plain Tell; a
/// larger message to a remote actor is serialized once, checksummed, and streamed in chunks (window, acks) to the
/// recipient node's <c>/system/payload-receiver</c>, which reassembles, verifies and delivers it with the original
/// sender. One per actor system (an Akka extension); <see cref="WireConfig"/> loads it at startup so every node
/// has its receiver before the first chunk arrives.
/// </summary>
public sealed class PayloadTransport : IExtension
{
    public const string ReceiverName = "payload-receiver";
    public const string FrameSizeOption = "akka.remote.dot-netty.tcp.maximum-frame-size";

    private readonly ExtendedActorSystem _system;
    private long _lastTransferId;

    public PayloadTransport(ExtendedActorSystem system)
    {
        _system = system;
        Settings = TransferSettings.FromConfig(system.Settings.Config);
        if (system.Provider is IRemoteActorRefProvider)
            CheckFrameSize(system.Settings.Config, Settings);
        Receiver = system.SystemActorOf(PayloadReceiverActor.Props(Settings), ReceiverName);
    }

    public static PayloadTransport Get(ActorSystem system) => system.WithExtension<PayloadTransport, PayloadTransportId>();

    public TransferSettings Settings { get; }

    /// <summary>This node's receiver.</summary>
    public IActorRef Receiver { get; }

    public void Tell(IActorRef recipient, IProtocolMessage message, IActorRef? sender) => Tell([recipient], message, sender);

    /// <summary>Sends <paramref name="message"/> to every recipient, serializing it at most once (a weight broadcast).</summary>
    public void Tell(IReadOnlyCollection<IActorRef> recipients, IProtocolMessage message, IActorRef? sender)
    {
        var remote = new List<IActorRef>();
        foreach (var recipient in recipients)
        {
            if (recipient is IActorRefScope { IsLocal: true })
                recipient.Tell(message, sender);
            else
                remote.Add(recipient);
        }
        if (remote.Count == 0)
            return;

        var serializer = ProtocolSerializerOf(message);
        if (serializer.EncodedSize(message) <= Settings.ChunkSize)
        {
            foreach (var recipient in remote)
                recipient.Tell(message, sender);
            return;
        }
        var payload = serializer.ToBinary(message);
        var checksum = Crc32C.Compute(payload);
        var manifest = serializer.Manifest(message);
        foreach (var recipient in remote)
        {
            var id = Interlocked.Increment(ref _lastTransferId);
            var header = new PayloadHeader(id, Settings.ChunkSize, payload.Length, checksum, manifest, recipient, sender);
            var receiver = _system.Provider.ResolveActorRef(new RootActorPath(recipient.Path.Address) / "system" / ReceiverName);
            _system.SystemActorOf(OutgoingTransferActor.Props(header, payload, receiver, Settings), $"payload-transfer-{id}");
        }
    }

    private ProtocolSerializer ProtocolSerializerOf(IProtocolMessage message) =>
        _system.Serialization.FindSerializerFor(message) as ProtocolSerializer
        ?? throw new InvalidOperationException(
            $"{message.GetType().Name} is not bound to {nameof(ProtocolSerializer)}: build the actor system's config with {nameof(WireConfig)}.");

    private static void CheckFrameSize(Config config, TransferSettings settings)
    {
        var frame = config.GetByteSize(FrameSizeOption, null) ?? 0;
        if (frame < settings.RequiredFrameSize)
            throw new ConfigurationException(
                $"{FrameSizeOption} = {frame}b is too small for {TransferSettings.Section}.chunk-size = {settings.ChunkSize}b: " +
                $"expected at least {settings.RequiredFrameSize}b (chunk plus {TransferSettings.FrameReserve}b of headers). {nameof(WireConfig)} sets both.");
    }
}

/// <summary>Akka's handle on <see cref="PayloadTransport"/> (the type named in <c>akka.extensions</c>).</summary>
public sealed class PayloadTransportId : ExtensionIdProvider<PayloadTransport>
{
    public override PayloadTransport CreateExtension(ExtendedActorSystem system) => new(system);
}
