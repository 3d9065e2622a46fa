using System.Globalization;

namespace AttnRnnCluster.SyntheticWorker;

/// <summary>
/// This executable's one option of its own, `--compute-ms N` (the sleep per shard, 0..60000, default 100), taken out
/// of the command line; everything else is the worker's, read by the Worker executable's own parser.
/// </summary>
public static class ComputeTimeArgument
{
    public const string Name = "--compute-ms";
    public const int DefaultMilliseconds = 100, MaxMilliseconds = 60_000;

    /// <summary>The compute time and the worker's arguments, or an error saying what was expected.</summary>
    public static (TimeSpan ComputeTime, IReadOnlyList<string> WorkerArguments, string? Error) Split(IReadOnlyList<string> args)
    {
        var rest = new List<string>();
        int? milliseconds = null;
        for (int i = 0; i < args.Count; i++)
        {
            string? value;
            if (args[i] == Name) value = i + 1 < args.Count ? args[++i] : null;
            else if (args[i].StartsWith(Name + "=", StringComparison.Ordinal)) value = args[i][(Name.Length + 1)..];
            else
            {
                rest.Add(args[i]);
                continue;
            }
            if (milliseconds != null) return (default, [], $"{Name} is given twice");
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) || parsed > MaxMilliseconds)
                return (default, [], $"{Name}: expected an integer in 0..{MaxMilliseconds} (milliseconds of sleep per shard), got \"{value ?? "nothing"}\"");
            milliseconds = parsed;
        }
        return (TimeSpan.FromMilliseconds(milliseconds ?? DefaultMilliseconds), rest, null);
    }
}
