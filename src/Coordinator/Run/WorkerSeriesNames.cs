using System.Text;

namespace AttnRnnCluster.Coordinator.Run;

/// <summary>
/// The name each worker's series gets in a tag (workers/NAME/lateness_ms). A worker's name comes from the worker
/// itself, over the network, so it is cut to <see cref="MaxLength"/> characters of [A-Za-z0-9._-] (anything else
/// becomes '_'); two workers whose names come out the same (or share a name) get -2, -3, ...; and at most
/// <paramref name="maxSeries"/> workers get series over a run, so a stream of new workers cannot grow the event file's
/// tag set without bound.
/// </summary>
public sealed class WorkerSeriesNames(int maxSeries)
{
    public const int MaxLength = 48;

    private readonly Dictionary<(string Name, string Location), string> _assigned = [];
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);

    /// <summary>How many workers were left without a series because the bound was reached.</summary>
    public int Refused { get; private set; }

    /// <summary>The series name of the worker <paramref name="name"/> at <paramref name="location"/>, or null past the bound.</summary>
    public string? For(string name, string location)
    {
        if (_assigned.TryGetValue((name, location), out var known)) return known;
        if (_assigned.Count >= maxSeries)
        {
            Refused++;
            return null;
        }
        string stem = Sanitize(name);
        string series = stem;
        for (int n = 2; !_taken.Add(series); n++)
            series = $"{stem}-{n}";
        _assigned[(name, location)] = series;
        return series;
    }

    public static string Sanitize(string name)
    {
        var safe = new StringBuilder(Math.Min(name.Length, MaxLength));
        foreach (char c in name.AsSpan(0, Math.Min(name.Length, MaxLength)))
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        return safe.Length == 0 ? "worker" : safe.ToString();
    }
}
