using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Event;
using AttnRnnCluster.Protocol.Wire;
using AttnRnnCluster.Transport.Security;

namespace AttnRnnCluster.Transport;

/// <summary>
/// A node's message lanes: for each other node it sends to, a TCP connection of its own (to that node's
/// <see cref="BulkServer"/>, with the cluster's TLS when it has any) that carries this node's messages below the bulk
/// threshold to it, whole (no chunks, no acknowledgements). A message on a lane is written on the sender's thread
/// and read by a thread that hands it straight to its recipient, instead of passing through Akka.Remote's endpoint
/// actors, DotNetty's event loops and the thread pool: fewer thread hand-offs per message, which on a machine whose
/// cores all compute is time taken from compute.
/// <para>
/// The lane to a node is asked for with the first message to it (<see cref="LaneRequest"/> over Akka, answered by a
/// <see cref="LaneInvitation"/> with a one-time token); messages meanwhile are held and then written in order, so a
/// lane never reorders one node's messages to another. If the lane cannot be opened, is declined, or breaks, the
/// messages go over Akka, and the lane is asked for again after <see cref="RetryInterval"/> (a lane that broke) or
/// <see cref="RetryIntervalAfterRefusal"/> (one that could not be opened). A message written on a
/// lane that breaks right after may be lost, as over Akka when a node goes away; the protocol's timeouts cover it.
/// Messages from the bulk threshold up (the bulk channel) and Akka's own traffic are unchanged.
/// </para>
/// </summary>
public sealed class MessageLanes : IDisposable
{
    /// <summary>How long a lane that broke (its peer restarted, a connection reset) stays closed before it is asked for again.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a lane that could not be opened (declined, no answer, the bulk port blocked by a firewall) stays
    /// closed: each attempt holds the node's messages until it fails, so a peer that cannot take lanes is asked rarely.
    /// </summary>
    public static readonly TimeSpan RetryIntervalAfterRefusal = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a write on a lane may block (its peer stopped reading and the socket buffers are full) before the lane
    /// is closed and the message goes over Akka: the sender is an actor, so it must not block for long.
    /// </summary>
    public static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The name of the threads that read lanes from other nodes (and run <see cref="LaneInlineDispatcher"/> actors).</summary>
    public const string ReadingThreadName = "message-lane-in";

    private readonly ExtendedActorSystem _system;
    private readonly TransferSettings _settings;
    private readonly ClusterTls? _tls;
    private readonly ILoggingAdapter _log;
    private readonly ConcurrentDictionary<Address, OutgoingLane> _outgoing = new();
    private readonly ConcurrentDictionary<string, Address> _invitations = new();
    private readonly ConcurrentDictionary<InboundLane, byte> _inbound = new();
    private long _lastAttempt;
    private volatile bool _disposed;

    private readonly Action<IActorRef, object, IActorRef?> _sendWithoutLane;
    private readonly TransportBytes _bytes;

    /// <param name="sendWithoutLane">How a message goes when its lane fails: over Akka, in chunks if it is larger than one.</param>
    public MessageLanes(ExtendedActorSystem system, TransferSettings settings, ClusterTls? tls, ILoggingAdapter log,
        Action<IActorRef, object, IActorRef?> sendWithoutLane, TransportBytes bytes)
    {
        _sendWithoutLane = sendWithoutLane;
        _bytes = bytes;
        _system = system;
        _settings = settings;
        _tls = tls;
        _log = log;
    }

    public LaneCounters Counters { get; } = new();

    /// <summary>The longest frame body a lane takes: a message just below the bulk threshold, and its paths and manifest.</summary>
    public int MaxBody => _settings.BulkThreshold + TransferSettings.FrameReserve;

    /// <summary>Where other nodes connect their lanes to this one (this node's bulk server); null: lanes to it are declined.</summary>
    internal (string Host, int Port)? Listening { get; set; }

    /// <summary>This node's payload-receiver, which asks for lanes and hears the answers.</summary>
    internal IActorRef? Receiver { get; set; }

    /// <summary>
    /// Writes <paramref name="message"/> (<paramref name="size"/> bytes as <paramref name="serializer"/> encodes it,
    /// less than the bulk threshold) on the lane to <paramref name="recipient"/>'s node, or holds it while that lane
    /// opens. <see cref="LaneSend.NoLane"/>: there is no lane and none is being opened; send it without one.
    /// </summary>
    public LaneSend TrySend(IActorRef recipient, object message, IActorRef? sender, FormatSerializer serializer, int size)
    {
        if (_disposed || Receiver == null)
            return LaneSend.NoLane;
        var lane = _outgoing.GetOrAdd(recipient.Path.Address, static address => new OutgoingLane(address));
        lock (lane.Gate)
        {
            switch (lane.State)
            {
                case LaneState.Open:
                    return Write(lane, LaneWire.Frame(recipient, sender, serializer, message, size)) ? LaneSend.Written : LaneSend.NoLane;
                case LaneState.Opening:
                    lane.Held.Enqueue(new OutgoingLane.HeldMessage(recipient, message, sender, serializer, size));
                    return LaneSend.Held;
                case LaneState.Closed when DateTime.UtcNow >= lane.RetryAfter:
                    lane.Held.Enqueue(new OutgoingLane.HeldMessage(recipient, message, sender, serializer, size));
                    Ask(lane);
                    return LaneSend.Held;
                default:
                    return LaneSend.NoLane;
            }
        }
    }

    /// <summary>Whether messages to <paramref name="peer"/> go on a lane now.</summary>
    public bool IsOpenTo(Address peer)
    {
        if (!_outgoing.TryGetValue(peer, out var lane))
            return false;
        lock (lane.Gate)
            return lane.State == LaneState.Open;
    }

    /// <summary>Whether messages to <paramref name="peer"/> go on a lane now, sealed (<see cref="LaneSeal"/>).</summary>
    public bool IsSealedTo(Address peer)
    {
        if (!_outgoing.TryGetValue(peer, out var lane))
            return false;
        lock (lane.Gate)
            return lane.State == LaneState.Open && lane.Seal != null;
    }

    /// <summary>This node's answer to another node's <see cref="LaneRequest"/>.</summary>
    internal ITransportMessage Answer(LaneRequest request, Address from)
    {
        if (Listening is not { } endpoint || _disposed)
            return new LaneDeclined(request.Attempt, "this node has no bulk server to take lanes");
        var token = RandomNumberGenerator.GetBytes(BulkWire.TokenLength);
        _invitations[Convert.ToHexString(token)] = from;
        // An invitation that is never used must not stay valid for ever.
        _system.Scheduler.Advanced.ScheduleOnce(_settings.BulkConnectTimeout * 2, () => _invitations.TryRemove(Convert.ToHexString(token), out _));
        return new LaneInvitation(request.Attempt, endpoint.Host, endpoint.Port, token);
    }

    /// <summary>Another node invited this one to open the lane to it: connect, off the receiver's thread.</summary>
    internal void Invited(LaneInvitation invitation, Address from)
    {
        if (!_outgoing.TryGetValue(from, out var lane))
            return;
        lock (lane.Gate)
        {
            if (lane.State != LaneState.Opening || lane.Attempt != invitation.Attempt)
                return;
        }
        _ = ConnectAsync(lane, invitation);
    }

    internal void Declined(LaneDeclined declined, Address from)
    {
        if (_outgoing.TryGetValue(from, out var lane))
            GiveUp(lane, declined.Attempt, $"declined: {declined.Reason}");
    }

    /// <summary>
    /// Called by this node's bulk server for a lane request: with a token this node issued, answers
    /// <see cref="BulkWire.Ready"/> on <paramref name="connection"/> and starts reading the lane's frames from
    /// <paramref name="frames"/> (the connection itself, or for a sealed lane the bare connection beneath its TLS, opened
    /// with <paramref name="seal"/>), calling <paramref name="ended"/> when it closes (the lane holds one of the
    /// server's connection slots until then); else false (the server refuses it).
    /// </summary>
    internal bool TryAccept(ReadOnlySpan<byte> token, Stream connection, Stream frames, LaneSeal? seal, string endpoint, Action ended)
    {
        if (_disposed || !_invitations.TryRemove(Convert.ToHexString(token), out var peer))
            return false;
        connection.Write([BulkWire.Ready]);
        connection.Flush();
        var lane = new InboundLane(connection, frames, seal, peer, endpoint, _system, MaxBody, _settings.LaneIdleTimeout, Counters, _bytes, _log,
            lane =>
            {
                _inbound.TryRemove(lane, out _);
                ended();
            });
        _inbound[lane] = 0;
        lane.Start();
        _log.Info("Message lane from {0} ({1}) open{2}", peer, endpoint, seal == null ? "" : ", sealed");
        return true;
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var lane in _outgoing.Values)
        {
            lock (lane.Gate)
                Close(lane);
        }
        foreach (var lane in _inbound.Keys)
            lane.Close();
    }

    private void Ask(OutgoingLane lane)
    {
        lane.State = LaneState.Opening;
        var attempt = lane.Attempt = Interlocked.Increment(ref _lastAttempt);
        var peerReceiver = _system.Provider.ResolveActorRef(new RootActorPath(lane.Peer) / "system" / PayloadTransport.ReceiverName);
        peerReceiver.Tell(new LaneRequest(attempt), Receiver);
        // The answer, the connection and the TLS handshake each get the connect timeout.
        _system.Scheduler.Advanced.ScheduleOnce(_settings.BulkConnectTimeout * 3,
            () => GiveUp(lane, attempt, $"no lane within {(_settings.BulkConnectTimeout * 3).TotalSeconds:0} s"));
    }

    private async Task ConnectAsync(OutgoingLane lane, LaneInvitation invitation)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        NetworkStream? network = null;
        LaneSeal? seal = null;
        try
        {
            using var deadline = new CancellationTokenSource(_settings.BulkConnectTimeout);
            await socket.ConnectAsync(invitation.Host, invitation.Port, deadline.Token);
            socket.SendTimeout = (int)WriteTimeout.TotalMilliseconds;
            stream = network = new NetworkStream(socket, ownsSocket: true);
            if (_tls != null)
            {
                stream = await BulkTls.AuthenticateAsClient(stream, _tls, invitation.Host, _log, deadline.Token);
                // With TLS the lane is sealed: a key of its own, sent in TLS; the frames then go beneath it (LaneWire).
                var key = LaneSeal.NewKey();
                seal = new LaneSeal(key);
                var request = LaneWire.SealedRequest(invitation.Token, key);
                CryptographicOperations.ZeroMemory(key);
                try
                {
                    await stream.WriteAsync(request, deadline.Token);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(request);
                }
            }
            else
                await stream.WriteAsync(LaneWire.Request(invitation.Token), deadline.Token);
            var answer = new byte[1];
            var read = await stream.ReadAsync(answer, deadline.Token);
            if (read == 0 || answer[0] != BulkWire.Ready)
                throw new IOException(read == 0 ? "it closed the connection without answering" : $"it answered {answer[0]}, not ready");
        }
        catch (Exception e)
        {
            seal?.Dispose();
            if (stream != null) await stream.DisposeAsync();
            else socket.Dispose();
            GiveUp(lane, invitation.Attempt, $"{invitation.Endpoint}: {(e is OperationCanceledException ? $"no connection within {_settings.BulkConnectTimeout}" : e.Message)}");
            return;
        }
        Stream watched;
        lock (lane.Gate)
        {
            if (lane.State != LaneState.Opening || lane.Attempt != invitation.Attempt || _disposed)
            {
                seal?.Dispose();
                stream.Dispose();
                return;
            }
            lane.Connection = stream;
            lane.Stream = watched = seal == null ? stream : network;
            lane.Seal = seal;
            lane.State = LaneState.Open;
            _log.Info("Message lane to {0} open ({1}{2})", lane.Peer, invitation.Endpoint, seal == null ? "" : ", TLS, sealed");
            while (lane.Held.TryDequeue(out var held))
            {
                if (lane.State != LaneState.Open || !Write(lane, LaneWire.Frame(held.Recipient, held.Sender, held.Serializer, held.Message, held.Size)))
                    _sendWithoutLane(held.Recipient, held.Message, held.Sender);
            }
        }
        _ = WatchForClose(lane, watched);
    }

    /// <summary>
    /// The peer never writes on a lane after its answer: a read that ends means it closed the lane (its node stopped).
    /// Beneath TLS (a sealed lane), so a byte that does come closes it too.
    /// </summary>
    private async Task WatchForClose(OutgoingLane lane, Stream stream)
    {
        try
        {
            await stream.ReadAtLeastAsync(new byte[1], minimumBytes: 1, throwOnEndOfStream: false);
        }
        catch (Exception)
        {
            // Closed either way.
        }
        lock (lane.Gate)
        {
            if (lane.Stream != stream)
                return;
            if (!_disposed)
                _log.Info("Message lane to {0} closed by its node; messages to it go over Akka", lane.Peer);
            Close(lane);
        }
    }

    /// <summary>
    /// Writes one frame and returns its buffer (the caller holds the gate). False: the lane broke and is closed; the
    /// caller sends over Akka.
    /// </summary>
    private bool Write(OutgoingLane lane, RentedFrame frame)
    {
        try
        {
            int length = frame.Length;
            if (lane.Seal != null)
            {
                // Before the frame, not after it: a renewal that fails then leaves this frame unwritten, as reported.
                if (lane.SealedBytes >= _settings.LaneKeyBytes)
                    RenewKey(lane);
                length = lane.Seal.SealFrame(frame.Buffer, length);
                lane.SealedBytes += length;
            }
            lane.Stream!.Write(frame.Buffer, 0, length);
            Counters.CountSent();
            _bytes.CountSent(TransportChannel.Lane, length);
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidDataException)
        {
            _log.Warning("Message lane to {0} broke ({1}); messages to it go over Akka, and a new lane is asked for in {2} s",
                lane.Peer, e.Message, RetryInterval.TotalSeconds);
            Close(lane);
            return false;
        }
        finally
        {
            frame.Return();
        }
    }

    /// <summary>
    /// A sealed lane that has carried its share of bytes under one key sends the next key, sealed under the current one,
    /// and seals everything after it under the new one (the caller holds the gate, calls this before its next frame and
    /// handles a failed write): on the same connection, so the frames keep their order.
    /// </summary>
    private void RenewKey(OutgoingLane lane)
    {
        var frame = new byte[LaneWire.LengthPrefix + LaneSeal.KeyLength + LaneSeal.TagLength];
        var key = frame.AsSpan(LaneWire.LengthPrefix, LaneSeal.KeyLength);
        try
        {
            BinaryPrimitives.WriteInt32LittleEndian(frame, LaneWire.NextKeyPrefix);
            RandomNumberGenerator.Fill(key);
            var next = new LaneSeal(key);
            try
            {
                lane.Seal!.SealFrame(frame, LaneWire.LengthPrefix + LaneSeal.KeyLength);
                lane.Stream!.Write(frame);
            }
            catch
            {
                next.Dispose();
                throw;
            }
            lane.Seal.Dispose();
            lane.Seal = next;
            lane.SealedBytes = 0;
            Counters.CountKeyRenewed();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(frame);
        }
    }

    /// <summary>Ends an attempt that has not opened: the held messages go over Akka, in order.</summary>
    private void GiveUp(OutgoingLane lane, long attempt, string reason)
    {
        lock (lane.Gate)
        {
            if (lane.State != LaneState.Opening || lane.Attempt != attempt)
                return;
            if (!_disposed)
                _log.Warning("No message lane to {0}: {1}. Messages to it go over Akka; a lane is asked for again in {2} min",
                    lane.Peer, reason, RetryIntervalAfterRefusal.TotalMinutes);
            Close(lane, RetryIntervalAfterRefusal);
        }
    }

    /// <summary>Closed, not asked for again before <paramref name="retryAfter"/> (default <see cref="RetryInterval"/>); held messages go over Akka (the caller holds the gate).</summary>
    private void Close(OutgoingLane lane, TimeSpan? retryAfter = null)
    {
        lane.Stream?.Dispose();
        lane.Connection?.Dispose();
        lane.Seal?.Dispose();
        lane.Stream = null;
        lane.Connection = null;
        lane.Seal = null;
        lane.SealedBytes = 0;
        lane.State = LaneState.Closed;
        lane.RetryAfter = DateTime.UtcNow + (retryAfter ?? RetryInterval);
        while (lane.Held.TryDequeue(out var held))
            _sendWithoutLane(held.Recipient, held.Message, held.Sender);
    }
}
