using System.Globalization;

namespace AttnRnnCluster.Cluster.Tests.Processes;

/// <summary>One scrape of /metrics in Prometheus' text format, read the way Prometheus reads it: a sample per line.</summary>
public sealed class Scraped(string text)
{
    public string Text { get; } = text;

    /// <summary>The value of the sample <paramref name="series"/> (a name, with its labels as printed: <c>x{a="b"}</c>), or null when absent.</summary>
    public double? Value(string series)
    {
        foreach (string line in Text.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(series + " ", StringComparison.Ordinal)) continue;
            return double.Parse(line[(series.Length + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        return null;
    }

    /// <summary>The sum of every sample of the metric <paramref name="name"/>, whatever its labels.</summary>
    public double Sum(string name) =>
        Text.Split('\n')
            .Where(line => line.StartsWith(name + " ", StringComparison.Ordinal) || line.StartsWith(name + "{", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture));
}
