using System.Globalization;

namespace AttnRnnCluster.Benchmarks.Scale;

/// <summary>The figure's table: every row measured, with the ratio and each side's floor (<see cref="LinkFloor"/>) beside it.</summary>
public static class ScaleTable
{
    /// <param name="dataPlane">Ours' data plane in the rows ("chain" or "star"): it names the column and picks its floor.</param>
    public static IReadOnlyList<string> Lines(IReadOnlyList<ScaleRow> rows, TimeSpan computePerShard, string dataPlane)
    {
        bool chain = dataPlane == "chain";
        var lines = new List<string>
        {
            $"N  | P   | link   | ours, {dataPlane,-5} (s/step) | DDP gloo (s/step) | ours / DDP | floor: {dataPlane} / ring (s) | CPU per step: ours / DDP (core-s)",
        };
        foreach (var row in rows)
        {
            int parameters = AddingHidden.Closest(row.Size.Asked).Parameters;
            lines.Add(string.Join(" | ",
                $"{row.Workers,-2}", $"{row.Size.Text,-3}", $"{row.Link.Text,-6}", $"{Number(row.OursSecondsPerStep),20}", $"{Number(row.DdpSecondsPerStep),17}",
                $"{(row.Ratio is { } ratio ? ratio.ToString("F2", CultureInfo.InvariantCulture) + "x" : "-"),10}",
                $"{Format(chain ? LinkFloor.ChainStepSeconds(row.Workers, parameters, row.Link, computePerShard) : LinkFloor.StarStepSeconds(row.Workers, parameters, row.Link, computePerShard))} / {Format(LinkFloor.RingStepSeconds(row.Workers, parameters, row.Link, computePerShard))}",
                $"{Number(row.OursCpuPerStep)} / {Number(row.DdpCpuPerStep)}"));
        }
        return lines;
    }

    private static string Number(double? seconds) => seconds is { } value ? Format(value) : "-";

    private static string Format(double seconds) => seconds.ToString("F2", CultureInfo.InvariantCulture);
}
