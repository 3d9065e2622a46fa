using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace AttnRnnCluster.Hosting.Logging;

/// <summary>
/// Where and how an executable logs. Console is always on; the file sinks are optional. With
/// <see cref="ConsoleToStandardError"/> the console log goes to standard error, leaving standard output to a
/// command's result (eval's loss, sample's text) for scripts.
/// </summary>
public sealed record LogOptions(
    LogEventLevel MinimumLevel = LogEventLevel.Information,
    string? TextFile = null,
    string? JsonFile = null,
    bool RollDaily = false,
    bool ConsoleToStandardError = false);

/// <summary>
/// The one place every executable configures Serilog. Akka's own log events are routed here too:
/// put <see cref="AkkaLoggingHocon"/> into the actor system's config. Akka.Remote's error for a connection that
/// is not Akka.Remote becomes one warning per address and minute (<see cref="ChannelErrorsOncePerPeer"/>).
/// </summary>
public static class LogSetup
{
    private const string ConsoleTemplate =
        "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {Message:lj}{NewLine}{Exception}";
    private const string FileTemplate =
        "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] ({SourceContext}) {Message:lj}{NewLine}{Exception}";

    /// <summary>Akka config that hands Akka's log events (and their levels) to Serilog.</summary>
    public const string AkkaLoggingHocon = """
        akka {
          loggers = ["Akka.Logger.Serilog.SerilogLogger, Akka.Logger.Serilog"]
          logger-formatter = "Akka.Logger.Serilog.SerilogLogMessageFormatter, Akka.Logger.Serilog"
          loglevel = INFO
          stdout-loglevel = WARNING
          log-dead-letters = 10
          log-dead-letters-during-shutdown = off
        }
        """;

    public static Logger Create(LogOptions options)
    {
        // The console goes through the terminal's status line (a training run's progress line, when there is one).
        var console = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .WriteTo.Console(outputTemplate: ConsoleTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture,
                standardErrorFromLevel: options.ConsoleToStandardError ? LogEventLevel.Verbose : null)
            .CreateLogger();
        var config = new LoggerConfiguration()
            .MinimumLevel.Is(options.MinimumLevel)
            .MinimumLevel.Override("Akka", LogEventLevel.Information)
            .Enrich.FromLogContext()
            .WriteTo.Sink(new StatusLineConsoleSink(ConsoleStatusLine.Terminal, console));
        var rolling = options.RollDaily ? RollingInterval.Day : RollingInterval.Infinite;
        if (options.TextFile != null)
            config = config.WriteTo.File(options.TextFile, outputTemplate: FileTemplate, rollingInterval: rolling,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture, shared: true);
        if (options.JsonFile != null)
            config = config.WriteTo.File(new CompactJsonFormatter(), options.JsonFile, rollingInterval: rolling, shared: true);
        // Levels are decided by the outer logger; the inner one only writes what passes the channel-error filter.
        return new LoggerConfiguration()
            .MinimumLevel.Is(options.MinimumLevel)
            .MinimumLevel.Override("Akka", LogEventLevel.Information)
            .WriteTo.Sink(new ChannelErrorsOncePerPeer(config.CreateLogger()))
            .CreateLogger();
    }

    /// <summary>Creates the logger and makes it the process-wide <see cref="Log.Logger"/> (which Akka's Serilog adapter uses).</summary>
    public static Logger Install(LogOptions options)
    {
        var logger = Create(options);
        Log.Logger = logger;
        return logger;
    }

    /// <summary>
    /// Makes the logger of <paramref name="options"/> the process-wide one until the returned handle is disposed,
    /// which closes its files and puts the previous logger back (the coordinator's run log lives as long as the run).
    /// </summary>
    public static IDisposable InstallUntilDisposed(LogOptions options)
    {
        var previous = Log.Logger;
        var logger = Install(options);
        return new Restore(previous, logger);
    }

    private sealed class Restore(ILogger previous, Logger installed) : IDisposable
    {
        public void Dispose()
        {
            Log.Logger = previous;
            installed.Dispose();
        }
    }
}
