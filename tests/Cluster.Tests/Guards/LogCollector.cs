using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;

namespace AttnRnnCluster.Cluster.Tests.Guards;

/// <summary>
/// Keeps the text of every warning and info line an actor system logs (through its event stream), without the quotes
/// Serilog's formatting puts around string arguments.
/// </summary>
public static class LogCollector
{
    /// <summary>Starts collecting <paramref name="system"/>'s info lines and warnings into the returned queue.</summary>
    public static ConcurrentQueue<string> Attach(ActorSystem system)
    {
        var lines = new ConcurrentQueue<string>();
        var collector = system.ActorOf(Props.Create(() => new Collector(lines)));
        system.EventStream.Subscribe(collector, typeof(Warning));
        system.EventStream.Subscribe(collector, typeof(Info));
        return lines;
    }

    private sealed class Collector : ReceiveActor
    {
        public Collector(ConcurrentQueue<string> lines) => Receive<LogEvent>(e => lines.Enqueue($"{e.LogLevel()} {e.Message}".Replace("\"", "")));
    }
}
