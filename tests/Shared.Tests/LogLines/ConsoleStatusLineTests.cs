using AttnRnnCluster.Hosting.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace AttnRnnCluster.Shared.Tests.LogLines;

/// <summary>The terminal's status line and the console log sharing one terminal: log lines above it, marked lines left to it.</summary>
public sealed class ConsoleStatusLineTests
{
    private const string Bar = "\rstep 3/10\u001b[K";

    private readonly StringWriter _terminal = new();
    private readonly ConsoleStatusLine _line;
    private readonly Logger _log;

    public ConsoleStatusLineTests()
    {
        _line = new ConsoleStatusLine(() => _terminal);
        _log = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(new StatusLineConsoleSink(_line, Console())).CreateLogger();
    }

    [Fact]
    public void Closed_it_prints_every_line_as_it_comes()
    {
        _log.ForContext(ConsoleStatusLine.ReplacedOnTerminal, true).Information("step 3 loss 0.5");
        _log.Warning("careful");
        _line.Show(Bar);

        Assert.Equal("step 3 loss 0.5\ncareful\n", _terminal.ToString());
    }

    [Fact]
    public void Open_it_leaves_out_the_marked_lines_and_prints_the_others_on_their_own_line_then_redraws()
    {
        _line.Open();
        _line.Show(Bar);
        _log.ForContext(ConsoleStatusLine.ReplacedOnTerminal, true).Information("step 3 loss 0.5");
        _log.Warning("a worker is slow");
        _line.Close();
        _log.Information("done");

        Assert.Equal(Bar + ConsoleStatusLine.ClearLine + "a worker is slow\n" + Bar + ConsoleStatusLine.ClearLine + "done\n", _terminal.ToString());
    }

    [Fact]
    public void Standard_output_is_interactive_only_when_not_redirected_and_TERM_names_a_terminal()
    {
        Assert.True(ConsoleStatusLine.IsInteractive(outputRedirected: false, "xterm-256color"));
        Assert.False(ConsoleStatusLine.IsInteractive(outputRedirected: true, "xterm-256color"));
        Assert.False(ConsoleStatusLine.IsInteractive(outputRedirected: false, "dumb"));
        Assert.False(ConsoleStatusLine.IsInteractive(outputRedirected: false, null));
        Assert.False(ConsoleStatusLine.IsInteractive(outputRedirected: false, ""));
    }

    /// <summary>Stands for the console sink: each event's message on a line of the terminal.</summary>
    private Logger Console() => new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(new MessageLines(_terminal)).CreateLogger();

    private sealed class MessageLines(TextWriter terminal) : ILogEventSink
    {
        public void Emit(LogEvent logEvent) => terminal.Write(logEvent.RenderMessage() + "\n");
    }
}
