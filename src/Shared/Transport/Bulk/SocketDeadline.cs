using System.Diagnostics;
using System.Net.Sockets;

namespace AttnRnnCluster.Transport;

/// <summary>
/// Closes a socket when what is being done on it outlasts its time; a blocking call on the socket then ends (with
/// an exception). The bulk server uses this instead of the socket's own timeouts: on Linux, .NET serves a blocking
/// call that has a timeout by making the socket non-blocking and registering it with its epoll thread, and from then
/// on every message that arrives on it wakes that thread and a thread-pool thread (see <see cref="BulkServer"/>).
/// </summary>
internal sealed class SocketDeadline : IDisposable
{
    private readonly Socket _socket;
    private readonly Timer _timer;
    private readonly object _gate = new();
    private long? _deadlineTimestamp;
    private bool _expired;

    public SocketDeadline(Socket socket)
    {
        _socket = socket;
        _timer = new Timer(_ => OnTimer());
    }

    /// <summary>True once the time ran out and the socket was closed.</summary>
    public bool Expired
    {
        get
        {
            lock (_gate)
                return _expired;
        }
    }

    /// <summary>Starts (or restarts) the clock: the socket is closed unless <see cref="Disarm"/> comes within <paramref name="within"/>.</summary>
    public void Arm(TimeSpan within)
    {
        lock (_gate)
        {
            if (_expired)
                return;
            _deadlineTimestamp = Stopwatch.GetTimestamp() + (long)(within.TotalSeconds * Stopwatch.Frequency);
            _timer.Change(within, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Stops the clock; false when the time had already run out (the socket is closed).</summary>
    public bool Disarm()
    {
        lock (_gate)
        {
            _deadlineTimestamp = null;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return !_expired;
        }
    }

    public void Dispose() => _timer.Dispose();

    private void OnTimer()
    {
        lock (_gate)
        {
            // A callback can come late, after a disarm or for an earlier arming: only the current deadline counts.
            if (_expired || _deadlineTimestamp is not { } deadline)
                return;
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left > TimeSpan.Zero)
            {
                _timer.Change(left, Timeout.InfiniteTimeSpan);
                return;
            }
            _expired = true;
        }
        _socket.Dispose();
    }
}
