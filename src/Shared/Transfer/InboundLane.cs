using Akka.Actor;
using Akka.Event;

namespace AttnRnnCluster.Shared.Transfer;

/// <summary>
/// Reads one other node's lane to this node on a thread of its own and hands each message straight to its local
/// recipient, as if from its sender: one thread wake-up per message, where Akka.Remote's reading path takes several.
/// A frame that is too long, malformed, of an unknown manifest or for an actor on another node closes the lane with
/// a warning naming the peer; that node then sends over Akka again.
/// </summary>
internal sealed class InboundLane
{
    private readonly Stream _stream;
    private readonly Address _peer;
    private readonly string _endpoint;
    private readonly ExtendedActorSystem _system;
    private readonly int _maxBody;
    private readonly LaneCounters _counters;
    private readonly ILoggingAdapter _log;
    private readonly Action<InboundLane> _ended;

    public InboundLane(Stream stream, Address peer, string endpoint, ExtendedActorSystem system, int maxBody, LaneCounters counters,
        ILoggingAdapter log, Action<InboundLane> ended)
    {
        _stream = stream;
        _peer = peer;
        _endpoint = endpoint;
        _system = system;
        _maxBody = maxBody;
        _counters = counters;
        _log = log;
        _ended = ended;
    }

    public void Start() =>
        new Thread(ReadLoop) { IsBackground = true, Name = "message-lane-in" }.Start();

    /// <summary>Closes the connection; the reading thread ends.</summary>
    public void Close() => _stream.Dispose();

    private void ReadLoop()
    {
        var prefix = new byte[LaneWire.LengthPrefix];
        var body = new byte[_maxBody];
        try
        {
            while (true)
            {
                if (!ReadExactly(prefix))
                {
                    _log.Info("Message lane from {0} ({1}) closed by its node", _peer, _endpoint);
                    return;
                }
                var length = LaneWire.BodyLength(prefix, _maxBody);
                if (!ReadExactly(body.AsSpan(0, length)))
                    throw new InvalidDataException($"the connection closed inside a frame of {length} bytes");
                var (recipient, message, sender) = LaneWire.ReadBody(body.AsMemory(0, length), _system);
                if (recipient is not IActorRefScope { IsLocal: true })
                    throw new InvalidDataException($"a frame for {recipient.Path}, which is not on this node");
                recipient.Tell(message, sender);
                _counters.CountReceived();
            }
        }
        catch (Exception e) when (e is ObjectDisposedException || (e is IOException && _system.WhenTerminated.IsCompleted))
        {
            // This node is stopping: its lanes close with it.
        }
        catch (Exception e)
        {
            _log.Warning("Message lane from {0} ({1}) closed: {2}. That node sends over Akka again.", _peer, _endpoint, e.Message);
        }
        finally
        {
            _stream.Dispose();
            _ended(this);
        }
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
