namespace AttnRnnCluster.Transport;

/// <summary>
/// Lets one log line through per key (a peer's address, a sender) and <paramref name="interval"/>; the lines in between
/// are counted, and the next one that passes says how many were left out. Whoever can reach a port can send the same
/// unwanted thing a thousand times a second: the log says so once a minute instead of filling the disk. Keys are
/// forgotten once their interval has passed, so a flood from many addresses holds at most a few thousand keys. Time
/// comes from a <see cref="TimeProvider"/> (the system's by default), so tests use a fake clock. Thread-safe:
/// serializers and the bulk server call it from their own threads. Every "once per peer and minute" line uses it.
/// </summary>
public sealed class OncePerKey(TimeSpan interval, TimeProvider? time = null)
{
    public static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>Keys held before the expired ones are swept.</summary>
    private const int SweepAbove = 1024;

    /// <summary>Keys held at most: lines for new keys beyond these are left out until some expire.</summary>
    public const int MaxKeys = 4096;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<string, Window> _windows = [];
    private readonly Lock _lock = new();

    public OncePerKey() : this(Minute)
    {
    }

    /// <summary>
    /// True when a line for <paramref name="key"/> may be logged now; <paramref name="suppressed"/> is how many were
    /// held back since the last one that was.
    /// </summary>
    public bool TryPass(string key, out int suppressed)
    {
        long now = _time.GetTimestamp();
        lock (_lock)
        {
            if (_windows.TryGetValue(key, out var window) && !Expired(window, now))
            {
                window.Suppressed++;
                suppressed = 0;
                return false;
            }
            suppressed = window?.Suppressed ?? 0;
            if (window == null && _windows.Count >= SweepAbove)
            {
                Sweep(now);
                if (_windows.Count >= MaxKeys)
                    return false;
            }
            _windows[key] = new Window(now);
            return true;
        }
    }

    private bool Expired(Window window, long now) => _time.GetElapsedTime(window.Start, now) >= interval;

    private void Sweep(long now)
    {
        foreach (var key in _windows.Where(w => Expired(w.Value, now)).Select(w => w.Key).ToList())
            _windows.Remove(key);
    }

    private sealed class Window(long start)
    {
        public long Start { get; } = start;

        public int Suppressed { get; set; }
    }
}
