using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Event;
using AttnRnnCluster.Transport.Security;

namespace AttnRnnCluster.Transport;

/// <summary>
/// The sending side of the bulk channel: a TCP listener holding offered payloads until a receiver fetches them
/// (<see cref="BulkWire"/>). Each offer is good for one fetch with its random token; a wrong or replayed token gets
/// <see cref="BulkWire.Unknown"/>. At most <see cref="MaxConnections"/> connections are served at once, message lanes
/// included (a lane holds its slot until it closes); a client that misbehaves (garbage, silence, a wrong token) costs
/// its connection and one warning per address and minute (without a stack trace), never the node. With TLS (see <see cref="Start"/>), every connection is
/// mutual TLS with the cluster's certificate check. The same listener takes other nodes' message lanes
/// (<see cref="LaneWire"/>, <see cref="MessageLanes"/>).
/// </summary>
public sealed class BulkServer : IDisposable
{
    public const int MaxConnections = 64;

    /// <summary>The name of the thread that serves a connection until it is a lane or its payload is sent.</summary>
    public const string ConnectionThreadName = "bulk-connection";

    /// <summary>Payload bytes per write, so that a receiver that stops reading is noticed within the stall timeout.</summary>
    private const int WriteSize = 4 << 20;

    private readonly TcpListener _listener;
    private readonly ConcurrentDictionary<long, HeldOffer> _offers = new();
    private readonly ClusterTls? _tls;
    private readonly MessageLanes? _lanes;
    private readonly SslStreamCertificateContext? _certificate;
    private readonly TimeSpan _requestTimeout;
    private readonly TimeSpan _stallTimeout;
    private readonly ILoggingAdapter _log;
    private readonly CancellationTokenSource _stopping = new();
    /// <summary>Connections being served (not lanes): closed on dispose, which ends their blocking calls.</summary>
    private readonly ConcurrentDictionary<Socket, byte> _serving = new();
    private readonly OncePerKey _warningsByAddress = new();
    private int _connections;
    private long _connectionsAccepted;

    private BulkServer(TcpListener listener, ClusterTls? tls, TransferSettings settings, MessageLanes? lanes, ILoggingAdapter log)
    {
        _lanes = lanes;
        _listener = listener;
        _tls = tls;
        _certificate = tls is null ? null : BulkTls.CertificateContext(tls);
        _requestTimeout = settings.BulkConnectTimeout;
        _stallTimeout = settings.Timeout;
        _log = log;
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Listens on <paramref name="endpoint"/> (port 0: any free one) and starts accepting; lane requests go to
    /// <paramref name="lanes"/> (null: refused).
    /// </summary>
    /// <exception cref="SocketException">The address cannot be listened on (in use, not this machine's).</exception>
    public static BulkServer Start(IPEndPoint endpoint, ClusterTls? tls, TransferSettings settings, ILoggingAdapter log, MessageLanes? lanes = null)
    {
        var listener = new TcpListener(endpoint);
        // A node restarted on a fixed --bulk-port binds it at once, and no second node can listen beside it.
        ReuseAddress.Only(listener.Server);
        listener.Start(backlog: MaxConnections);
        var server = new BulkServer(listener, tls, settings, lanes, log);
        _ = server.AcceptLoop();
        return server;
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    public bool UsesTls => _tls != null;

    /// <summary>Connection slots held now: connections being served and open message lanes (at most <see cref="MaxConnections"/>).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Connections accepted since the start, refused ones included.</summary>
    public long ConnectionsAccepted => Interlocked.Read(ref _connectionsAccepted);

    /// <summary>
    /// Holds <paramref name="payload"/> (shared, never copied or changed) for one fetch of <paramref name="transferId"/>
    /// and returns the token that fetch needs; <paramref name="owner"/> hears of its progress (<see cref="OfferProgress"/>).
    /// The server holds the payload until the offer is withdrawn or its fetch has ended.
    /// </summary>
    public byte[] Offer(long transferId, SharedPayload payload, IActorRef owner)
    {
        var token = RandomNumberGenerator.GetBytes(BulkWire.TokenLength);
        if (!_offers.TryAdd(transferId, new HeldOffer(token, payload.Hold(), owner)))
        {
            payload.Release();
            throw new InvalidOperationException($"transfer {transferId} is already offered");
        }
        return token;
    }

    /// <summary>Forgets the offer of <paramref name="transferId"/> if no fetch has taken it yet.</summary>
    public void Withdraw(long transferId)
    {
        if (_offers.TryRemove(transferId, out var offer))
            offer.Payload.Release();
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Stop();
        foreach (var socket in _serving.Keys)
            socket.Dispose();
        foreach (var transferId in _offers.Keys)
            Withdraw(transferId);
    }

    private async Task AcceptLoop()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                _log.Warning("Bulk channel: accepting a connection on port {0} failed: {1}", Port, e.Message);
                continue;
            }
            Interlocked.Increment(ref _connectionsAccepted);
            if (Interlocked.Increment(ref _connections) > MaxConnections)
            {
                Interlocked.Decrement(ref _connections);
                var endpoint = socket.RemoteEndPoint?.ToString() ?? "an unknown peer";
                Warn(AddressOf(socket), "Bulk channel: closed a connection from {0}: already serving {1} (message lanes included){2}", endpoint, MaxConnections);
                socket.Dispose();
                continue;
            }
            new Thread(() => Serve(socket)) { IsBackground = true, Name = ConnectionThreadName }.Start();
        }
    }

    /// <summary>
    /// Serves one connection on a thread of its own, with blocking calls only. The socket is then never made
    /// non-blocking, and so never registered with .NET's epoll thread: on a message lane that would cost, for every
    /// message that arrives, a wake-up of that thread and of a thread-pool thread, which on busy cores is time taken
    /// from the compute. Deadlines close the socket instead of timing out its calls (<see cref="SocketDeadline"/>).
    /// </summary>
    private void Serve(Socket socket)
    {
        var peer = socket.RemoteEndPoint?.ToString() ?? "an unknown peer";
        var address = AddressOf(socket);
        long transferId = 0;
        HeldOffer? taken = null;
        Stream? stream = null;
        var handedToLane = false;
        using var deadline = new SocketDeadline(socket);
        _serving[socket] = 0;
        try
        {
            if (_stopping.IsCancellationRequested)
                return;
            socket.NoDelay = true;
            deadline.Arm(_requestTimeout);
            (stream, var network) = Open(socket, peer);
            var request = new byte[BulkWire.RequestLength];
            stream.ReadExactly(request);
            bool lane = LaneWire.TryRead(request, out var laneToken, out var sealedLane);
            LaneSeal? seal = null;
            if (lane && sealedLane)
            {
                // Sent with the request (in TLS, when this node has it): the key the lane's frames are sealed with once
                // both ends leave TLS. Read under the request's deadline, and read even when refused below, so that
                // the refusal is not lost to a reset.
                var laneKey = new byte[LaneSeal.KeyLength];
                try
                {
                    stream.ReadExactly(laneKey);
                    if (_tls != null)
                        seal = new LaneSeal(laneKey);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(laneKey);
                }
            }
            if (!deadline.Disarm())
            {
                seal?.Dispose();
                throw new TimeoutException();
            }
            if (lane)
            {
                _serving.TryRemove(socket, out _);
                if (sealedLane && seal == null)
                {
                    // Its key came in cleartext: such a lane could be read and forged by anyone on the path.
                    Warn(address, "Bulk channel: refused {0} a message lane: {1}{2}", peer, "a sealed lane needs TLS, and this node has none");
                    stream.Write([BulkWire.Unknown]);
                    return;
                }
                try
                {
                    // A sealed lane's frames come on the bare connection, beneath TLS; the answer still goes in TLS.
                    handedToLane = _lanes != null && _lanes.TryAccept(laneToken, stream, seal == null ? stream : network, seal, peer, () => Interlocked.Decrement(ref _connections));
                }
                finally
                {
                    if (!handedToLane)
                        seal?.Dispose();
                }
                if (!handedToLane)
                {
                    Warn(address, "Bulk channel: refused {0} a message lane: {1}{2}", peer, _lanes == null ? "this node takes no lanes" : "no such invitation (never made, expired, or already used)");
                    stream.Write([BulkWire.Unknown]);
                }
                return;
            }
            if (!BulkWire.TryRead(request, out transferId, out var token))
            {
                Warn(address, "Bulk channel: closed a connection from {0}: {1}{2}", peer, "not a bulk channel request");
                return;
            }
            taken = Take(transferId, token, out var refusal);
            if (taken == null)
            {
                Warn(address, "Bulk channel: refused {0} the payload of transfer {1}{2}", peer, $"{transferId}: {refusal}");
                stream.Write([BulkWire.Unknown]);
                return;
            }
            taken.Owner.Tell(new OfferProgress.FetchStarted(transferId));
            stream.Write([BulkWire.Ready]);
            Write(stream, taken.Payload.Bytes, deadline);
            taken.Owner.Tell(new OfferProgress.Served(transferId));
        }
        catch (Exception e)
        {
            if (_stopping.IsCancellationRequested)
                return;
            if (taken == null)
            {
                Warn(address, "Bulk channel: dropped a connection from {0} before serving it: {1}{2}", peer,
                    deadline.Expired ? $"no {(_tls == null ? "" : "TLS handshake and ")}request within {_requestTimeout}" : e.Message);
                return;
            }
            var problem = deadline.Expired ? $"the receiver took no bytes for {_stallTimeout}" : e.Message;
            _log.Warning("Bulk channel: sending the payload of transfer {0} to {1} failed: {2}", transferId, peer, problem);
            taken.Owner.Tell(new OfferProgress.ServeFailed(transferId, $"sending to {peer} failed: {problem}"));
        }
        finally
        {
            // A lane keeps its connection (its reading thread owns it) and holds no slot: it lives as long as the nodes do.
            if (!handedToLane)
            {
                _serving.TryRemove(socket, out _);
                stream?.Dispose();
                socket.Dispose();
            }
            taken?.Payload.Release();
            if (!handedToLane)
                Interlocked.Decrement(ref _connections);
        }
    }

    /// <summary>
    /// A warning about a client, once per address (not per connection: each has a port of its own) and minute; the
    /// format's last placeholder says how many were left out meanwhile. Never a stack trace: the message says it all.
    /// </summary>
    private void Warn(string address, string format, string peer, object detail)
    {
        if (!_warningsByAddress.TryPass(address, out var suppressed))
            return;
        _log.Warning(format, peer, detail,
            suppressed == 0 ? "" : $" ({suppressed} more such warnings about {address} in the last minute were not logged)");
    }

    /// <summary>The client's IP address (its port changes with every connection); read before the socket can close.</summary>
    private static string AddressOf(Socket socket) => (socket.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "an unknown peer";

    /// <summary>The connection's stream (in TLS when the node has it), and the bare connection beneath.</summary>
    private (Stream Stream, NetworkStream Network) Open(Socket socket, string peer)
    {
        // Owning the socket: a lane handed its stream closes the connection by disposing it.
        var network = new NetworkStream(socket, ownsSocket: true);
        return (_tls == null ? network : BulkTls.AuthenticateAsServer(network, _tls, _certificate!, peer, _log), network);
    }

    /// <summary>The offer, removed so no one can fetch it again, when the token matches; else null and why.</summary>
    private HeldOffer? Take(long transferId, ReadOnlySpan<byte> token, out string? refusal)
    {
        refusal = null;
        if (!_offers.TryGetValue(transferId, out var offer))
            refusal = "no such offer (never made, withdrawn, or already taken)";
        else if (!CryptographicOperations.FixedTimeEquals(offer.Token, token))
            refusal = "wrong token";
        else if (!_offers.TryRemove(new KeyValuePair<long, HeldOffer>(transferId, offer)))
            refusal = "already taken";
        return refusal == null ? offer : null;
    }

    private void Write(Stream stream, byte[] payload, SocketDeadline stall)
    {
        for (var offset = 0; offset < payload.Length; offset += WriteSize)
        {
            stall.Arm(_stallTimeout);
            stream.Write(payload.AsSpan(offset, Math.Min(WriteSize, payload.Length - offset)));
        }
        stream.Flush();
        stall.Disarm();
    }

    private sealed record HeldOffer(byte[] Token, SharedPayload Payload, IActorRef Owner);
}
