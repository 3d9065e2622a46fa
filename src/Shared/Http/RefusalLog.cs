using System.Net;

namespace AttnRnnCluster.Http;

/// <summary>
/// Says in the node's log that the surface refused a request (a method other than GET or HEAD, a body), once a minute
/// per client address: an operator sees who pokes at the port, and a client that keeps doing it costs one line a
/// minute. It remembers at most <see cref="MaxAddresses"/> addresses; past that, refusals go unlogged until a minute
/// has freed some.
/// </summary>
/// <param name="log">Where to say it; Serilog's static logger at each refusal (the node's, whatever it is then) when null.</param>
public sealed class RefusalLog(Serilog.ILogger? log, TimeProvider time)
{
    public const int MaxAddresses = 1024;
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly Dictionary<IPAddress, long> _lastLogged = [];
    private readonly Lock _gate = new();

    public void Refused(IPAddress? client, string method, string path, int status, string why)
    {
        var address = client ?? IPAddress.None;
        long now = time.GetTimestamp();
        lock (_gate)
        {
            if (_lastLogged.TryGetValue(address, out long last) && time.GetElapsedTime(last, now) < Interval) return;
            if (_lastLogged.Count >= MaxAddresses)
            {
                foreach (var old in _lastLogged.Where(e => time.GetElapsedTime(e.Value, now) >= Interval).Select(e => e.Key).ToList())
                    _lastLogged.Remove(old);
                if (_lastLogged.Count >= MaxAddresses) return;
            }
            _lastLogged[address] = now;
        }
        // The path is the client's: cut, so that a long one cannot fill the log.
        (log ?? Serilog.Log.Logger).Warning("HTTP surface: refused {Method:l} {Path:l} from {Client:l} ({Status}: {Why:l}; logged once a minute per address)",
            method.Length <= 16 ? method : method[..16], path.Length <= 128 ? path : path[..128] + "…", address.ToString(), status, why);
    }
}
