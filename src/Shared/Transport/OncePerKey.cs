namespace AttnRnnCluster.Transport;

/// <summary>
/// Lets one log line through per key (a peer's address) and <paramref name="interval"/>; the lines in between are
/// counted, and the next one that passes says how many were left out. A peer that opens a thousand connections of
/// garbage costs one line a minute, not a thousand. Keys are forgotten once their interval has passed, so a flood from
/// many addresses holds at most a few thousand keys. Time is passed in (milliseconds on any monotonic clock)
/// so the rule is testable without waiting. Thread-safe.
/// </summary>
public sealed class OncePerKey(TimeSpan interval)
{
    public static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>Keys held before the expired ones are swept.</summary>
    private const int SweepAbove = 1024;

    /// <summary>Keys held at most: lines for new keys beyond these are left out until some expire.</summary>
    private const int MaxKeys = 4096;

    private readonly Dictionary<string, Window> _windows = [];
    private readonly Lock _lock = new();

    /// <summary>
    /// True when a line for <paramref name="key"/> may be logged now; <paramref name="suppressed"/> is how many were
    /// held back since the last one that was.
    /// </summary>
    public bool TryPass(string key, long nowMilliseconds, out int suppressed)
    {
        lock (_lock)
        {
            if (_windows.TryGetValue(key, out var window) && nowMilliseconds - window.Start < interval.TotalMilliseconds)
            {
                window.Suppressed++;
                suppressed = 0;
                return false;
            }
            suppressed = window?.Suppressed ?? 0;
            if (window == null && _windows.Count >= SweepAbove)
            {
                Sweep(nowMilliseconds);
                if (_windows.Count >= MaxKeys)
                    return false;
            }
            _windows[key] = new Window(nowMilliseconds);
            return true;
        }
    }

    private void Sweep(long nowMilliseconds)
    {
        foreach (var key in _windows.Where(w => nowMilliseconds - w.Value.Start >= interval.TotalMilliseconds).Select(w => w.Key).ToList())
            _windows.Remove(key);
    }

    private sealed class Window(long start)
    {
        public long Start { get; } = start;

        public int Suppressed { get; set; }
    }
}
