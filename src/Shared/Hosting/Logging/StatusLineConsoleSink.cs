using Serilog.Core;
using Serilog.Events;

namespace AttnRnnCluster.Hosting.Logging;

/// <summary>The console sink, printing through a <see cref="ConsoleStatusLine"/> so that log lines and the status line share the terminal.</summary>
public sealed class StatusLineConsoleSink(ConsoleStatusLine statusLine, Logger console) : ILogEventSink, IDisposable
{
    public void Emit(LogEvent logEvent) => statusLine.Print(logEvent, console);

    public void Dispose() => console.Dispose();
}
