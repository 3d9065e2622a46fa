using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote;
using AttnRnnCluster.Protocol.Wire;
using AttnRnnCluster.Transport.Security;

namespace AttnRnnCluster.Transport;

/// <summary>
/// Sends messages of any size (any message bound to a <see cref="FormatSerializer"/>: the training protocol's). Local recipients get a plain Tell; messages below the bulk threshold go whole on
/// the message lane to the recipient's node (<see cref="MessageLanes"/>); without a lane, one that fits a chunk gets a
/// plain Tell over Akka, and a larger one is serialized once and checksummed; from <see cref="TransferSettings.BulkThreshold"/>
/// up it is offered over the bulk channel (the recipient's node fetches it from this node's <see cref="BulkServer"/>
/// on a TCP connection of its own, so Akka's connection and its heartbeats never wait behind it), and below that,
/// or when the bulk channel fails, it is streamed in chunks (window, acks) to the recipient node's
/// <c>/system/payload-receiver</c>. Either way the receiver verifies it and delivers it with the original sender.
/// One per actor system (an Akka extension); <see cref="TransportConfig"/> loads it at startup so every node has its
/// receiver and bulk server before the first transfer arrives.
/// </summary>
public sealed class PayloadTransport : IExtension
{
    public const string ReceiverName = "payload-receiver";
    public const string FrameSizeOption = "akka.remote.dot-netty.tcp.maximum-frame-size";
    public const string HostnameOption = "akka.remote.dot-netty.tcp.hostname";
    public const string TlsOption = "akka.remote.dot-netty.tcp.enable-ssl";

    private readonly ExtendedActorSystem _system;
    private readonly ILoggingAdapter _log;
    private long _lastTransferId;

    public PayloadTransport(ExtendedActorSystem system)
    {
        _system = system;
        _log = Akka.Event.Logging.GetLogger(system, typeof(PayloadTransport));
        Settings = TransferSettings.FromConfig(system.Settings.Config);
        IncomingBudget = IncomingBudget.For(Settings);
        BulkFetcher? fetcher = null;
        if (system.Provider is IRemoteActorRefProvider)
        {
            CheckFrameSize(system.Settings.Config, Settings);
            var (bulkOn, tls) = BulkChannelMode(system);
            if (bulkOn)
            {
                // Lanes ride on the bulk channel's listener and TLS, so they are on only where it is.
                if (Settings.Lanes)
                    Lanes = new MessageLanes(system, Settings, tls, _log, SendWithoutLane, Bytes);
                fetcher = new BulkFetcher(Settings, tls, system, Buffers, BulkCounters, Bytes, IncomingBudget, _log);
                BulkServer = StartBulkServer(system.Settings.Config, tls);
                if (Lanes != null && BulkServer != null)
                    Lanes.Listening = (system.Provider.DefaultAddress.Host ?? throw new InvalidOperationException("a remote node without a host name"), BulkServer.Port);
            }
        }
        Receiver = system.SystemActorOf(PayloadReceiverActor.Props(Settings, IncomingBudget, fetcher, Bytes, Lanes), ReceiverName);
        if (Lanes != null)
            Lanes.Receiver = Receiver;
        system.RegisterOnTermination(() =>
        {
            Lanes?.Dispose();
            BulkServer?.Dispose();
        });
    }

    public static PayloadTransport Get(ActorSystem system) => system.WithExtension<PayloadTransport, PayloadTransportId>();

    public TransferSettings Settings { get; }

    /// <summary>The memory this node may hold for incoming transfers, chunked and bulk (<see cref="TransferSettings.MaxIncomingBytes"/>).</summary>
    public IncomingBudget IncomingBudget { get; }

    /// <summary>This node's receiver.</summary>
    public IActorRef Receiver { get; }

    /// <summary>Where this node offers bulk payloads; null when its bulk channel is off (then it sends in chunks).</summary>
    public BulkServer? BulkServer { get; }

    public BulkChannelCounters BulkCounters { get; } = new();

    /// <summary>The bytes this node sent and received, per channel (/metrics).</summary>
    public TransportBytes Bytes { get; } = new();

    /// <summary>This node's message lanes to other nodes; null when they are off (or the bulk channel is).</summary>
    public MessageLanes? Lanes { get; }

    /// <summary>This node's recycled payload buffers, sent and fetched.</summary>
    public PayloadBuffers Buffers { get; } = new(PayloadBuffers.DefaultCapacityBytes);

    public void Tell(IActorRef recipient, object message, IActorRef? sender) => Tell([recipient], message, sender);

    /// <summary>
    /// As <see cref="Tell(IActorRef, object, IActorRef?)"/>; true when the message has been encoded and written on a
    /// lane before this returns, so nothing refers to it any more and its arrays may be used again
    /// (<see cref="Protocol.Wire.SegmentArrays"/>). False when it is still to be read: held for a lane, sent over Akka
    /// (which encodes it later), or handed to an actor of this node.
    /// </summary>
    public bool TellWritten(IActorRef recipient, object message, IActorRef? sender) => Send([recipient], message, sender);

    /// <summary>
    /// Sends <paramref name="message"/> to every recipient: measured once; serialized once for the bulk channel and
    /// chunks (a large weight broadcast), or straight into each open lane's frame (no shared copy to write from). A message
    /// whose values are on loan (<see cref="ILoanedMessage"/>) gets a reader for each local recipient, which reads it when
    /// its turn comes; remote recipients get its bytes, encoded during this call, or, on the paths that would read it
    /// later (a lane being opened, a lane's fallback, Akka's own serialization of a one-chunk message: small messages), a
    /// copy that owns its values.
    /// </summary>
    public void Tell(IReadOnlyCollection<IActorRef> recipients, object message, IActorRef? sender) => Send(recipients, message, sender);

    /// <summary>Sends to every recipient; true when each of them is remote and got the message written on its lane now.</summary>
    private bool Send(IReadOnlyCollection<IActorRef> recipients, object message, IActorRef? sender)
    {
        var remote = new List<IActorRef>();
        var loan = (message as ILoanedMessage)?.Loan;
        foreach (var recipient in recipients)
        {
            if (recipient is IActorRefScope { IsLocal: true })
            {
                loan?.AddReader();
                recipient.Tell(message, sender);
            }
            else
                remote.Add(recipient);
        }
        if (remote.Count == 0)
            return false;
        bool allWritten = remote.Count == recipients.Count;

        var serializer = CarriedSerializers.SerializerFor(_system.Serialization, message);
        var size = serializer.EncodedSize(message);
        bool readLater = (Lanes != null && size < Settings.BulkThreshold) || size <= Settings.ChunkSize;
        if (loan != null && readLater)
            message = ((ILoanedMessage)message).WithOwnBuffer();
        if (Lanes != null && size < Settings.BulkThreshold)
        {
            // Encoded straight into each lane's frame, a pooled buffer: no array of its own for the message's bytes.
            remote.RemoveAll(recipient =>
            {
                var sent = Lanes.TrySend(recipient, message, sender, serializer, size);
                allWritten &= sent == LaneSend.Written;
                return sent != LaneSend.NoLane;
            });
        }
        else
            allWritten = false;
        // Any recipient left here has no lane, so allWritten is already false.
        if (remote.Count > 0)
            SendWithoutLanes(remote, message, sender, serializer, size);
        return allWritten;
    }

    /// <summary>Over Akka: in one frame when it fits one chunk; else serialized once and offered over the bulk channel or sent in chunks.</summary>
    private void SendWithoutLanes(List<IActorRef> remote, object message, IActorRef? sender, FormatSerializer serializer, int size)
    {
        if (size <= Settings.ChunkSize)
        {
            foreach (var recipient in remote)
                recipient.Tell(message, sender);
            Bytes.CountSent(TransportChannel.Akka, (long)size * remote.Count);
            return;
        }
        var payload = new SharedPayload(Buffers.Rent(size), Buffers);
        serializer.ToBinary(message, payload.Bytes);
        var checksum = Crc32C.ComputeInParallel(payload.Bytes);
        var manifest = serializer.Manifest(message);
        var bulk = payload.Bytes.Length >= Settings.BulkThreshold ? BulkServer : null;
        foreach (var recipient in remote)
        {
            var id = Interlocked.Increment(ref _lastTransferId);
            var header = new PayloadHeader(id, Settings.ChunkSize, payload.Bytes.Length, checksum, serializer.Identifier, manifest, recipient, sender);
            var receiver = _system.Provider.ResolveActorRef(new RootActorPath(recipient.Path.Address) / "system" / ReceiverName);
            if (bulk == null)
            {
                SendInChunks(header, payload.Hold(), receiver);
                continue;
            }
            BulkCounters.CountOffered();
            var host = _system.Provider.DefaultAddress.Host ?? throw new InvalidOperationException("a remote node without a host name");
            _system.SystemActorOf(OutgoingOfferActor.Props(header, payload.Hold(), receiver, bulk, host, Settings), $"payload-offer-{id}");
        }
        payload.Release();
    }

    /// <summary>A message whose lane could not take it (it failed to open, or broke).</summary>
    private void SendWithoutLane(IActorRef recipient, object message, IActorRef? sender)
    {
        var serializer = CarriedSerializers.SerializerFor(_system.Serialization, message);
        SendWithoutLanes([recipient], message, sender, serializer, serializer.EncodedSize(message));
    }

    /// <summary>Streams one payload to <paramref name="receiver"/> (a node's payload-receiver) in chunks; the new actor holds <paramref name="payload"/>.</summary>
    internal void SendInChunks(PayloadHeader header, SharedPayload payload, IActorRef receiver) =>
        _system.SystemActorOf(OutgoingTransferActor.Props(header, payload, receiver, Settings, Bytes), $"payload-transfer-{header.TransferId}");

    /// <summary>
    /// Whether this node runs the bulk channel, and with which TLS (null: plain TCP, like Akka's transport then).
    /// With TLS in Akka's config but no <see cref="BulkChannelTlsSetup"/>, there is no certificate to use: off.
    /// </summary>
    private (bool On, ClusterTls? Tls) BulkChannelMode(ExtendedActorSystem system)
    {
        if (!Settings.BulkChannel)
            return (false, null);
        var setup = system.Settings.Setup.Get<BulkChannelTlsSetup>();
        if (setup.HasValue)
            return (true, setup.Value.Tls);
        if (!system.Settings.Config.GetBoolean(TlsOption, false))
            return (true, null);
        _log.Warning("The bulk channel is off: {0} is on, but the actor system was not made by {1}.{2}, so there is no " +
            "certificate for it; large messages go in chunks over Akka", TlsOption, nameof(ClusterTls), nameof(ClusterTls.CreateSystem));
        return (false, null);
    }

    /// <summary>The bulk server on Akka.Remote's bind address, or null (logged) when it cannot listen there.</summary>
    private BulkServer? StartBulkServer(Config config, ClusterTls? tls)
    {
        var hostname = config.GetString(HostnameOption, "");
        try
        {
            var server = BulkServer.Start(new IPEndPoint(BindAddress(hostname), Settings.BulkPort), tls, Settings, _log, Lanes);
            _log.Info("Bulk channel listening on {0}:{1}{2}", string.IsNullOrEmpty(hostname) ? "*" : hostname, server.Port, tls == null ? "" : " (TLS)");
            return server;
        }
        catch (SocketException e)
        {
            _log.Error("The bulk channel cannot listen on {0} = {1}, {2}.bulk-port = {3}: {4}. This node sends large messages in chunks over Akka instead.",
                HostnameOption, hostname, TransferSettings.Section, Settings.BulkPort, e.Message);
            return null;
        }
    }

    /// <summary>Akka.Remote's bind address: empty means every interface; a name is resolved (IPv4 first, as Akka does).</summary>
    public static IPAddress BindAddress(string hostname)
    {
        if (string.IsNullOrEmpty(hostname))
            return IPAddress.Any;
        if (IPAddress.TryParse(hostname, out var address))
            return address;
        var addresses = Dns.GetHostAddresses(hostname);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.First();
    }

    private static void CheckFrameSize(Config config, TransferSettings settings)
    {
        var frame = config.GetByteSize(FrameSizeOption, null) ?? 0;
        if (frame < settings.RequiredFrameSize)
            throw new ConfigurationException(
                $"{FrameSizeOption} = {frame}b is too small for {TransferSettings.Section}.chunk-size = {settings.ChunkSize}b: " +
                $"expected at least {settings.RequiredFrameSize}b (chunk plus {TransferSettings.FrameReserve}b of headers). {nameof(TransportConfig)} sets both.");
    }
}

/// <summary>Akka's handle on <see cref="PayloadTransport"/> (the type named in <c>akka.extensions</c>).</summary>
public sealed class PayloadTransportId : ExtensionIdProvider<PayloadTransport>
{
    public override PayloadTransport CreateExtension(ExtendedActorSystem system) => new(system);
}
