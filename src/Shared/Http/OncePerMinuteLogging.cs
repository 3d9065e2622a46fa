using Microsoft.Extensions.Logging;

namespace AttnRnnCluster.Http;

/// <summary>
/// ASP.NET Core's log events into the node's log at most once a minute for each kind (category and event id): a
/// client that opens hundreds of connections past the limit costs one warning a minute, not one per connection. The
/// first event after a quiet spell says how many like it were left out.
/// </summary>
internal sealed class OncePerMinuteLogging(ILoggerProvider inner, TimeProvider time) : ILoggerProvider
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly Dictionary<(string, int), (long LastTicks, int Suppressed)> _seen = [];
    private readonly Lock _gate = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName, inner.CreateLogger(categoryName));

    public void Dispose() => inner.Dispose();

    /// <summary>Whether an event of this kind may be logged now, and how many were left out since the last one.</summary>
    private bool TryPass(string category, int eventId, out int suppressed)
    {
        long now = time.GetTimestamp();
        lock (_gate)
        {
            // Bounded: ASP.NET Core's categories and event ids are a fixed, small set.
            if (_seen.TryGetValue((category, eventId), out var seen) && time.GetElapsedTime(seen.LastTicks, now) < Interval)
            {
                _seen[(category, eventId)] = seen with { Suppressed = seen.Suppressed + 1 };
                suppressed = 0;
                return false;
            }
            suppressed = seen.Suppressed;
            _seen[(category, eventId)] = (now, 0);
            return true;
        }
    }

    private sealed class Logger(OncePerMinuteLogging owner, string category, ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel) || !owner.TryPass(category, eventId.Id, out int suppressed)) return;
            inner.Log(logLevel, eventId, state, exception, suppressed == 0
                ? formatter
                : (s, e) => $"{formatter(s, e)} ({suppressed} more like it in the last minute were not logged)");
        }
    }
}
