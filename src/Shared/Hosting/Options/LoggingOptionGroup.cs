using AttnRnnCluster.Hosting.Logging;
using Serilog.Events;

namespace AttnRnnCluster.Hosting.Options;

/// <summary>The options that fill a <see cref="LogOptions"/>; every command has them.</summary>
/// <param name="logFileDefault">What happens without --log-file, in words (the coordinator's train logs into its run folder).</param>
public sealed class LoggingOptionGroup(string logFileDefault)
{
    private static readonly LogOptions Defaults = new();

    public LayeredOption<LogEventLevel> Level { get; } = new("log-level", ChoiceKind.Of<LogEventLevel>(), Defaults.MinimumLevel,
        "the least important events that are logged");

    public LayeredOption<string?> TextFile { get; } = new("log-file", OptionalKind.Path("FILE", PathRequirement.None), Defaults.TextFile,
        "also write the log, as text, to this file")
    {
        DefaultNote = logFileDefault,
    };

    public LayeredOption<string?> JsonFile { get; } = new("log-json", OptionalKind.Path("FILE", PathRequirement.None), Defaults.JsonFile,
        "also write the log as JSON lines (Serilog compact format) to this file");

    public IReadOnlyList<LayeredOption> All => [Level, TextFile, JsonFile];

    public LogOptions Read(OptionValues values) => new(values.Get(Level), values.Get(TextFile), values.Get(JsonFile));
}
