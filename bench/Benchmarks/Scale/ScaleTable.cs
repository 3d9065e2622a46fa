using System.Globalization;

namespace AttnRnnCluster.Benchmarks.Scale;

/// <summary>The figure's table: every row measured, with the ratio and the link-time floors beside it.</summary>
public static class ScaleTable
{
    public static IReadOnlyList<string> Lines(IReadOnlyList<ScaleRow> rows, TimeSpan computePerShard)
    {
        var lines = new List<string>
        {
            "N  | P   | link   | ours, star (s/step) | DDP gloo (s/step) | ours / DDP | floor: compute + star links / + ring links (s)",
        };
        foreach (var row in rows)
        {
            int parameters = AddingHidden.Closest(row.Size.Asked).Parameters;
            double compute = LinkFloor.ComputeSeconds(row.Workers, computePerShard);
            lines.Add(string.Join(" | ",
                $"{row.Workers,-2}", $"{row.Size.Text,-3}", $"{row.Link.Text,-6}", $"{Number(row.OursSecondsPerStep),19}", $"{Number(row.DdpSecondsPerStep),17}",
                $"{(row.Ratio is { } ratio ? ratio.ToString("F2", CultureInfo.InvariantCulture) + "x" : "-"),10}",
                $"{Format(compute + LinkFloor.StarSeconds(row.Workers, parameters, row.Link))} / {Format(compute + LinkFloor.RingSeconds(row.Workers, parameters, row.Link))}"));
        }
        return lines;
    }

    private static string Number(double? seconds) => seconds is { } value ? Format(value) : "-";

    private static string Format(double seconds) => seconds.ToString("F2", CultureInfo.InvariantCulture);
}
