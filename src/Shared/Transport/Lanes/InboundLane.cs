using System.Buffers.Binary;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Event;

namespace AttnRnnCluster.Transport;

/// <summary>
/// Reads one other node's lane to this node and hands each message straight to its local recipient, as if from its
/// sender: one thread wake-up per message, where Akka.Remote's reading path takes several. A recipient on a
/// <see cref="LaneInlineDispatcher"/> (the coordinator, a worker) runs on the reading thread itself, which first
/// hands the reading over to another of the lane's threads: the lane is always read, however long the recipient
/// computes, so a node writing to this one never waits for it. Only one thread reads at a time, so frames are told in
/// the order they came.
/// A frame that is too long, malformed, of an unknown manifest or for an actor on another node closes the lane with
/// a warning naming the peer; that node then sends over Akka again. A lane that carries nothing for its idle timeout
/// is closed too (its sender opens a new one when it needs it). The frame buffer grows with the frames that come,
/// up to the largest allowed, so an idle lane holds little memory.
/// </summary>
internal sealed class InboundLane
{
    /// <summary>
    /// A lane's threads at most: one reads while the others run recipients or wait. Usually two suffice (the reader and
    /// the worker or coordinator it runs); a third or fourth comes from a recipient that has just finished as the next
    /// message arrives. At the cap the reading resumes when a thread comes back.
    /// </summary>
    private const int MaxThreads = 4;

    /// <summary>The frame buffer's first size: most frames (results, progress beats, assignments) fit.</summary>
    private const int InitialBodyBytes = 64 * 1024;

    /// <summary>The connection as accepted (its TLS, if any): disposed to close the lane.</summary>
    private readonly Stream _connection;
    /// <summary>Where the frames are read: the connection, or beneath its TLS for a sealed lane.</summary>
    private readonly Stream _stream;
    /// <summary>A sealed lane's current key (replaced when the sender sends the next one); only the reading thread uses it.</summary>
    private LaneSeal? _seal;
    private readonly byte[] _tag = new byte[LaneSeal.TagLength];
    private readonly Address _peer;
    private readonly string _endpoint;
    private readonly ExtendedActorSystem _system;
    private readonly int _maxBody;
    private readonly LaneCounters _counters;
    private readonly TransportBytes _bytes;
    private readonly ILoggingAdapter _log;
    private readonly Action<InboundLane> _ended;
    private readonly byte[] _prefix = new byte[LaneWire.LengthPrefix];
    private readonly TimeSpan _idleTimeout;
    private readonly Timer _idleCheck;
    private byte[] _body = new byte[InitialBodyBytes];
    private long _lastFrameTicks = Environment.TickCount64;
    private volatile bool _closedIdle;
    private readonly Action _handOverReading;
    /// <summary>
    /// Held by the thread that reads the lane (and owns <see cref="_prefix"/> and <see cref="_body"/>); set when no
    /// thread holds it. A kernel event, not a SemaphoreSlim: that one spins before it sleeps, which on a machine whose
    /// cores compute takes their time at every hand-over.
    /// </summary>
    private readonly AutoResetEvent _reading = new(initialState: true);
    private int _threadsWaitingToRead;
    private int _threads;
    private volatile bool _closed;

    public InboundLane(Stream connection, Stream frames, LaneSeal? seal, Address peer, string endpoint, ExtendedActorSystem system, int maxBody, TimeSpan idleTimeout,
        LaneCounters counters, TransportBytes bytes, ILoggingAdapter log, Action<InboundLane> ended)
    {
        _idleTimeout = idleTimeout;
        // A timer, not a read timeout: a timeout on a blocking socket's reads would have .NET make it non-blocking.
        var checkEvery = TimeSpan.FromTicks(Math.Min(idleTimeout.Ticks / 4, TimeSpan.FromHours(1).Ticks));
        _idleCheck = new Timer(_ => CloseIfIdle(), null, checkEvery, checkEvery);
        _connection = connection;
        _stream = frames;
        _seal = seal;
        _peer = peer;
        _endpoint = endpoint;
        _system = system;
        _maxBody = maxBody;
        _counters = counters;
        _bytes = bytes;
        _log = log;
        _ended = ended;
        _handOverReading = HandOverReading;
    }

    public void Start() => StartThread();

    /// <summary>Closes the connection; the lane's threads end.</summary>
    public void Close() => Dispose();

    private void StartThread()
    {
        Interlocked.Increment(ref _threads);
        new Thread(Serve) { IsBackground = true, Name = MessageLanes.ReadingThreadName }.Start();
    }

    /// <summary>A thread's life: read the lane whenever no other thread does, until it closes.</summary>
    private void Serve()
    {
        while (true)
        {
            Interlocked.Increment(ref _threadsWaitingToRead);
            _reading.WaitOne();
            Interlocked.Decrement(ref _threadsWaitingToRead);
            if (_closed)
                break;
            if (!ReadUntilHandedOver())
            {
                _closed = true;
                _idleCheck.Dispose();
                Dispose();
                // Only the reading thread opens frames, and no thread reads from here on.
                _seal?.Dispose();
                _ended(this);
                break;
            }
        }
        // Wakes the next waiting thread, which sees the lane closed and ends too.
        _reading.Set();
    }

    /// <summary>
    /// Reads frames and tells their recipients. True when a recipient ran on this thread (after it is done; another
    /// thread reads meanwhile), false when the lane has ended.
    /// </summary>
    private bool ReadUntilHandedOver()
    {
        var delivering = false;
        try
        {
            while (true)
            {
                if (!ReadExactly(_prefix))
                {
                    _log.Info("Message lane from {0} ({1}) closed by its node", _peer, _endpoint);
                    return false;
                }
                Volatile.Write(ref _lastFrameTicks, Environment.TickCount64);
                if (_seal != null && BinaryPrimitives.ReadInt32LittleEndian(_prefix) == LaneWire.NextKeyPrefix)
                {
                    TakeNextKey();
                    continue;
                }
                var length = LaneWire.BodyLength(_prefix, _maxBody);
                if (length > _body.Length)
                    _body = new byte[Math.Min(_maxBody, Math.Max(length, 2 * _body.Length))];
                if (!ReadExactly(_body.AsSpan(0, length)))
                    throw new InvalidDataException($"the connection closed inside a frame of {length} bytes");
                if (_seal != null)
                {
                    if (!ReadExactly(_tag))
                        throw new InvalidDataException($"the connection closed before the tag of a frame of {length} bytes");
                    _seal.Open(_prefix, _body.AsSpan(0, length), _tag);
                }
                var (recipient, message, sender) = LaneWire.ReadBody(_body.AsMemory(0, length), _system);
                if (recipient is not IActorRefScope { IsLocal: true })
                    throw new InvalidDataException($"a frame for {recipient.Path}, which is not on this node");
                _counters.CountReceived();
                _bytes.CountReceived(TransportChannel.Lane, LaneWire.LengthPrefix + length + (_seal == null ? 0 : LaneSeal.TagLength));
                delivering = true;
                if (LaneDelivery.Deliver(recipient, message, sender, _handOverReading))
                    return true;
                delivering = false;
            }
        }
        catch (Exception e) when (delivering && LaneDelivery.RanHere)
        {
            // Akka's mailbox handles an actor's own failures, so this is Akka's or ours; another thread reads meanwhile.
            _log.Error(e, "A recipient of a message from {0} failed on the lane's thread", _peer);
            return true;
        }
        catch (Exception) when (_closedIdle)
        {
            _log.Info("Message lane from {0} ({1}) closed: nothing came for {2}. That node opens a new one when it needs it.", _peer, _endpoint, _idleTimeout);
            return false;
        }
        catch (Exception e) when (e is ObjectDisposedException || (e is IOException && _system.WhenTerminated.IsCompleted))
        {
            // This node is stopping: its lanes close with it.
            return false;
        }
        catch (Exception e)
        {
            _log.Warning("Message lane from {0} ({1}) closed: {2}. That node sends over Akka again.", _peer, _endpoint, e.Message);
            return false;
        }
    }

    /// <summary>The sender's next key, sealed under the current one: every later frame is sealed under it.</summary>
    private void TakeNextKey()
    {
        var sealedKey = new byte[LaneSeal.KeyLength + LaneSeal.TagLength];
        try
        {
            if (!ReadExactly(sealedKey))
                throw new InvalidDataException("the connection closed inside a frame carrying the lane's next key");
            var key = sealedKey.AsSpan(0, LaneSeal.KeyLength);
            _seal!.Open(_prefix, key, sealedKey.AsSpan(LaneSeal.KeyLength));
            var next = new LaneSeal(key);
            _seal.Dispose();
            _seal = next;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sealedKey);
        }
    }

    private void CloseIfIdle()
    {
        if (Environment.TickCount64 - Volatile.Read(ref _lastFrameTicks) < _idleTimeout.TotalMilliseconds)
            return;
        _closedIdle = true;
        _idleCheck.Dispose();
        Dispose();
    }

    /// <summary>Closes the connection: a blocked read ends (the reading thread then forgets the key, <see cref="Serve"/>).</summary>
    private void Dispose()
    {
        _stream.Dispose();
        _connection.Dispose();
    }

    /// <summary>Called on the reading thread just before a recipient runs on it: another thread reads from here on.</summary>
    private void HandOverReading()
    {
        if (Volatile.Read(ref _threadsWaitingToRead) == 0 && Volatile.Read(ref _threads) < MaxThreads)
            StartThread();
        _reading.Set();
    }

    /// <summary>False at a clean end of the stream before the first byte.</summary>
    private bool ReadExactly(Span<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = _stream.Read(buffer[read..]);
            if (n == 0)
            {
                if (read == 0)
                    return false;
                throw new InvalidDataException($"the connection closed after {read} of {buffer.Length} bytes");
            }
            read += n;
        }
        return true;
    }
}
