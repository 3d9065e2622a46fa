using Serilog.Core;
using Serilog.Events;

namespace AttnRnnCluster.Hosting.Logging;

/// <summary>
/// The last line of an interactive terminal, redrawn in place (a training run's progress line). While it is open,
/// every console log line is printed above it (the line is cleared, the log line written, the line drawn again), and
/// log events that carry the property <see cref="ReplacedOnTerminal"/> (the step lines the progress line stands for)
/// are left off the console: the log files still get them. Closed, it changes nothing.
/// One lock serialises the log's console output and the redraws, so they never interleave mid-line.
/// </summary>
public sealed class ConsoleStatusLine(Func<TextWriter> output)
{
    /// <summary>The name of the property that marks a log event as shown by the status line while it is open.</summary>
    public const string ReplacedOnTerminal = "ReplacedOnTerminal";

    /// <summary>Carriage return, then ANSI "erase the whole line": the cursor is at the start of an empty line.</summary>
    public const string ClearLine = "\r\u001b[2K";

    private readonly Lock _gate = new();
    private bool _open;
    private string? _drawn;

    /// <summary>The process's standard output, which LogSetup's console sink writes through.</summary>
    public static ConsoleStatusLine Terminal { get; } = new(() => Console.Out);

    /// <summary>
    /// Whether standard output is a terminal a line can be redrawn on: not redirected (to a file, a pipe, journald,
    /// docker logs), and TERM names a terminal (set, and not "dumb").
    /// </summary>
    public static bool StandardOutputIsInteractive => IsInteractive(Console.IsOutputRedirected, Environment.GetEnvironmentVariable("TERM"));

    public static bool IsInteractive(bool outputRedirected, string? term) => !outputRedirected && !string.IsNullOrEmpty(term) && term != "dumb";

    public void Open()
    {
        lock (_gate) _open = true;
    }

    /// <summary>Draws <paramref name="line"/> (which returns to the start of the line itself, e.g. "\r…\e[K") in place of the last one.</summary>
    public void Show(string line)
    {
        lock (_gate)
        {
            if (!_open) return;
            _drawn = line;
            var writer = output();
            writer.Write(line);
            writer.Flush();
        }
    }

    /// <summary>Erases the line and stops replacing log lines.</summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_drawn is not null) Write(ClearLine);
            _drawn = null;
            _open = false;
        }
    }

    /// <summary>Hands <paramref name="e"/> to <paramref name="console"/> above the status line, or drops it if the line stands for it.</summary>
    public void Print(LogEvent e, ILogEventSink console)
    {
        lock (_gate)
        {
            if (_open && e.Properties.ContainsKey(ReplacedOnTerminal)) return;
            if (_drawn is null)
            {
                console.Emit(e);
                return;
            }
            Write(ClearLine);
            console.Emit(e);
            Write(_drawn);
        }
    }

    private void Write(string text)
    {
        var writer = output();
        writer.Write(text);
        writer.Flush();
    }
}
