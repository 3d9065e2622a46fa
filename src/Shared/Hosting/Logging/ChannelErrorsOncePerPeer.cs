using System.Text.RegularExpressions;
using AttnRnnCluster.Transport;
using Serilog.Core;
using Serilog.Events;

namespace AttnRnnCluster.Hosting.Logging;

/// <summary>
/// Stands between the logger and its sinks and turns Akka.Remote's per-connection errors ("Error caught channel …",
/// logged by its DotNetty transport with a full stack trace for every connection that sends something other than
/// Akka.Remote: a port scanner, an HTTP probe, garbage) into one warning line per remote address and minute, without
/// the stack trace, saying how many were left out. Every other event passes unchanged.
/// </summary>
internal sealed partial class ChannelErrorsOncePerPeer(Logger sinks) : ILogEventSink, IDisposable
{
    private const string ChannelErrorTemplate = "Error caught channel";

    // One per process, not per logger: the coordinator swaps its logger for a run's and back, and the console they
    // share must still get one line per address and minute.
    private static readonly OncePerKey Once = new();

    public void Emit(LogEvent logEvent)
    {
        if (logEvent.Exception is not { } error || !logEvent.MessageTemplate.Text.StartsWith(ChannelErrorTemplate, StringComparison.Ordinal))
        {
            sinks.Write(logEvent);
            return;
        }
        var channel = logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture);
        var remote = RemoteEnd().Match(channel);
        var (address, endpoint) = remote.Success
            ? (remote.Groups["address"].Value, $"{remote.Groups["address"].Value}:{remote.Groups["port"].Value}")
            : ("an unknown address", channel);
        if (!Once.TryPass(address, out var suppressed))
            return;
        sinks.Warning("Cluster port: dropped a connection from {Endpoint}: {Problem} (logged once a minute per address{LeftOut})",
            endpoint, $"{error.GetType().Name}: {error.Message}", suppressed == 0 ? "" : $"; {suppressed} more from {address} were not logged");
    }

    public void Dispose() => sinks.Dispose();

    /// <summary>
    /// The remote end of a DotNetty channel as Serilog renders it, <c>["[::ffff:10.0.0.5]:4053"->"[::ffff:10.0.0.9]:51234"]</c>
    /// (IPv4 addresses mapped into IPv6; the quotes are Serilog's).
    /// </summary>
    [GeneratedRegex(@"->""?\[(?:::ffff:)?(?<address>[^\]]+)\]:(?<port>[0-9]+)")]
    private static partial Regex RemoteEnd();
}
