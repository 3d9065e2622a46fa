using AttnRnnCluster.Hosting.Logging;
using Serilog.Events;

namespace AttnRnnCluster.Hosting.Options;

/// <summary>The options that fill a <see cref="LogOptions"/>; every command has them.</summary>
public static class LoggingOptionTable
{
    /// <param name="logFileDefault">What happens without --log-file, in words (the coordinator logs into its run folder).</param>
    public static IReadOnlyList<Option<LogOptions>> Create(string logFileDefault) =>
    [
        Option.Choice<LogOptions, LogEventLevel>("log-level", o => o.MinimumLevel, (o, v) => o with { MinimumLevel = v },
            "the least important events that are logged"),
        Option.Path<LogOptions>("log-file", "FILE", PathRequirement.None, o => o.TextFile, (o, v) => o with { TextFile = v },
            "also write the log, as text, to this file")
            with { DefaultNote = logFileDefault },
        Option.Path<LogOptions>("log-json", "FILE", PathRequirement.None, o => o.JsonFile, (o, v) => o with { JsonFile = v },
            "also write the log as JSON lines (Serilog compact format) to this file"),
    ];
}
