using System.Globalization;
using System.Text;

namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>
/// The growth figure drawn by hand as SVG (no plotting package): one panel per setting, ms per step against its
/// value, both axes logarithmic so that a growth ∝ value^k is a straight line of slope k, whatever the absolute speed.
/// </summary>
public static class GrowthPlot
{
    private const int PanelWidth = 330, PanelHeight = 240, Left = 80, Top = 80, Gap = 95;
    private const string OursColour = "#1f77b4", PeerColour = "#ff7f0e", ReferenceColour = "#999";

    public static string Render(IReadOnlyList<GrowthPanel> panels, string title)
    {
        const int columns = 2;
        int rows = (panels.Count + columns - 1) / columns;
        int width = Left + columns * (PanelWidth + Gap), height = Top + rows * (PanelHeight + Gap);
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(Invariant($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n"));
        svg.Append(Invariant($"<text x=\"{width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n"));
        int legend = width / 2 - 220;
        Legend(svg, legend, OursColour, "ours", dashed: false);
        Legend(svg, legend + 90, PeerColour, "PyTorch eager", dashed: false);
        Legend(svg, legend + 230, ReferenceColour, "∝ value^k from our first point", dashed: true);
        for (int i = 0; i < panels.Count; i++)
            Panel(svg, panels[i], Left + i % columns * (PanelWidth + Gap), Top + i / columns * (PanelHeight + Gap));
        return svg.Append("</svg>\n").ToString();
    }

    private static void Panel(StringBuilder svg, GrowthPanel panel, int left, int top)
    {
        int right = left + PanelWidth, bottom = top + PanelHeight;
        var points = panel.Points;
        double firstValue = points[0].Value, firstMs = points[0].OursMs;
        var references = panel.ReferencePowers.Select(k => (k, points.Select(p => firstMs * Math.Pow(p.Value / firstValue, k)).ToList())).ToList();
        var times = points.SelectMany(p => p.PeerMs is { } peer ? new[] { p.OursMs, peer } : [p.OursMs])
            .Concat(references.SelectMany(r => r.Item2)).ToList();
        double lowY = Math.Log10(times.Min() / 1.3), highY = Math.Log10(times.Max() * 1.3);
        double lowX = Math.Log10(points.Min(p => p.Value)), highX = Math.Log10(points.Max(p => p.Value));
        double X(double value) => left + 20 + (PanelWidth - 40) * (Math.Log10(value) - lowX) / (highX - lowX);
        double Y(double ms) => bottom - PanelHeight * (Math.Log10(ms) - lowY) / (highY - lowY);

        svg.Append(Invariant($"<rect x=\"{left}\" y=\"{top}\" width=\"{PanelWidth}\" height=\"{PanelHeight}\" fill=\"none\" stroke=\"#888\"/>\n"));
        svg.Append(Invariant($"<text x=\"{left}\" y=\"{top - 8}\" font-size=\"11\">{Escape(panel.Fixed)}</text>\n"));
        svg.Append(Invariant($"<text x=\"{(left + right) / 2}\" y=\"{bottom + 34}\" text-anchor=\"middle\" font-size=\"13\">{Escape(panel.Setting)}</text>\n"));
        int labelX = left - 58, middle = top + PanelHeight / 2;
        svg.Append(Invariant($"<text x=\"{labelX}\" y=\"{middle}\" transform=\"rotate(-90 {labelX} {middle})\" text-anchor=\"middle\">ms per step</text>\n"));
        foreach (double ms in Ticks(lowY, highY))
        {
            svg.Append(Invariant($"<line x1=\"{left}\" y1=\"{Y(ms):0.#}\" x2=\"{right}\" y2=\"{Y(ms):0.#}\" stroke=\"#eee\"/>"));
            svg.Append(Invariant($"<text x=\"{left - 4}\" y=\"{Y(ms) + 4:0.#}\" text-anchor=\"end\">{ms:#,0.###}</text>\n"));
        }
        foreach (var point in points)
            svg.Append(Invariant($"<text x=\"{X(point.Value):0.#}\" y=\"{bottom + 15}\" text-anchor=\"middle\">{point.Value}</text>\n"));
        foreach (var (power, line) in references)
        {
            var ends = new[] { (X(points[0].Value), Y(line[0])), (X(points[^1].Value), Y(line[^1])) };
            Series(svg, ends, ReferenceColour, dashed: true, marks: false);
            svg.Append(Invariant($"<text x=\"{ends[1].Item1 - 4:0.#}\" y=\"{ends[1].Item2 - 5:0.#}\" text-anchor=\"end\" fill=\"{ReferenceColour}\" font-size=\"11\">k={power}</text>\n"));
        }
        Series(svg, points.Select(p => (X(p.Value), Y(p.OursMs))).ToList(), OursColour, dashed: false, marks: true);
        Series(svg, points.Where(p => p.PeerMs != null).Select(p => (X(p.Value), Y(p.PeerMs!.Value))).ToList(), PeerColour, dashed: false, marks: true);
    }

    /// <summary>1, 2, 5 × powers of ten inside the range (log10 bounds).</summary>
    private static IEnumerable<double> Ticks(double low, double high)
    {
        for (int decade = (int)Math.Floor(low); decade <= (int)Math.Ceiling(high); decade++)
        {
            foreach (double mantissa in new[] { 1.0, 2.0, 5.0 })
            {
                double tick = mantissa * Math.Pow(10, decade);
                if (Math.Log10(tick) >= low && Math.Log10(tick) <= high) yield return tick;
            }
        }
    }

    private static void Series(StringBuilder svg, IReadOnlyList<(double X, double Y)> points, string colour, bool dashed, bool marks)
    {
        if (points.Count == 0) return;
        string path = string.Join(" ", points.Select(p => Invariant($"{p.X:0.#},{p.Y:0.#}")));
        string dash = dashed ? " stroke-dasharray=\"5,4\"" : "";
        svg.Append(Invariant($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"{(dashed ? 1 : 2)}\"{dash} points=\"{path}\"/>\n"));
        if (!marks) return;
        foreach (var (x, y) in points)
            svg.Append(Invariant($"<circle cx=\"{x:0.#}\" cy=\"{y:0.#}\" r=\"3.5\" fill=\"{colour}\"/>\n"));
    }

    private static void Legend(StringBuilder svg, int x, string colour, string name, bool dashed) =>
        svg.Append(Invariant($"<line x1=\"{x}\" y1=\"46\" x2=\"{x + 20}\" y2=\"46\" stroke=\"{colour}\" stroke-width=\"{(dashed ? 1 : 3)}\"{(dashed ? " stroke-dasharray=\"5,4\"" : "")}/><text x=\"{x + 26}\" y=\"50\">{Escape(name)}</text>\n"));

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
