using System.Globalization;
using System.Text;

namespace AttnRnnCluster.Benchmarks.Quality;

/// <summary>A series of the curve plot: a label, a colour, dashed or not, and its points (x, held-out loss).</summary>
public sealed record CurveSeries(string Label, string Colour, bool Dashed, IReadOnlyList<(double X, double Loss)> Points);

/// <summary>A panel of the curve plot: its title, the x axis' name, and its series.</summary>
public sealed record CurvePanel(string Title, string XAxis, IReadOnlyList<CurveSeries> Series, double? Goal = null);

/// <summary>
/// Training curves drawn by hand as SVG (no plotting package): one panel per setting, held-out loss against steps
/// or minutes, the loss axis logarithmic so that the slow end of a curve stays readable, a dotted line at the goal.
/// </summary>
public static class CurvePlot
{
    private const int PanelWidth = 420, PanelHeight = 260, Left = 80, Top = 60, Gap = 110, LegendRow = 16;

    public static string Render(IReadOnlyList<CurvePanel> panels, string title)
    {
        int legendHeight = panels.Max(p => p.Series.Count) * LegendRow;
        int width = Left + panels.Count * (PanelWidth + Gap), height = Top + PanelHeight + 60 + legendHeight;
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(Invariant($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n"));
        svg.Append(Invariant($"<text x=\"{width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n"));
        for (int i = 0; i < panels.Count; i++) Panel(svg, panels[i], Left + i * (PanelWidth + Gap), Top);
        return svg.Append("</svg>\n").ToString();
    }

    private static void Panel(StringBuilder svg, CurvePanel panel, int left, int top)
    {
        int right = left + PanelWidth, bottom = top + PanelHeight;
        var all = panel.Series.SelectMany(s => s.Points).ToList();
        var losses = all.Select(p => p.Loss).Where(l => l > 0).Concat(panel.Goal is { } g ? [g] : []).ToList();
        double lowY = Math.Log10(losses.Min() / 1.2), highY = Math.Log10(losses.Max() * 1.2);
        double highX = all.Max(p => p.X);
        double X(double x) => left + PanelWidth * x / highX;
        double Y(double loss) => bottom - PanelHeight * (Math.Log10(Math.Max(loss, Math.Pow(10, lowY))) - lowY) / (highY - lowY);

        svg.Append(Invariant($"<rect x=\"{left}\" y=\"{top}\" width=\"{PanelWidth}\" height=\"{PanelHeight}\" fill=\"none\" stroke=\"#888\"/>\n"));
        svg.Append(Invariant($"<text x=\"{left}\" y=\"{top - 8}\" font-size=\"12\">{Escape(panel.Title)}</text>\n"));
        svg.Append(Invariant($"<text x=\"{(left + right) / 2}\" y=\"{bottom + 34}\" text-anchor=\"middle\" font-size=\"13\">{Escape(panel.XAxis)}</text>\n"));
        int labelX = left - 58, middle = top + PanelHeight / 2;
        svg.Append(Invariant($"<text x=\"{labelX}\" y=\"{middle}\" transform=\"rotate(-90 {labelX} {middle})\" text-anchor=\"middle\">held-out loss</text>\n"));
        foreach (double loss in Ticks(lowY, highY))
        {
            svg.Append(Invariant($"<line x1=\"{left}\" y1=\"{Y(loss):0.#}\" x2=\"{right}\" y2=\"{Y(loss):0.#}\" stroke=\"#eee\"/>"));
            svg.Append(Invariant($"<text x=\"{left - 4}\" y=\"{Y(loss) + 4:0.#}\" text-anchor=\"end\">{loss:0.###}</text>\n"));
        }
        for (int i = 0; i <= 4; i++)
        {
            double x = highX * i / 4;
            svg.Append(Invariant($"<text x=\"{X(x):0.#}\" y=\"{bottom + 15}\" text-anchor=\"middle\">{x:#,0.#}</text>\n"));
        }
        if (panel.Goal is { } goal)
        {
            svg.Append(Invariant($"<line x1=\"{left}\" y1=\"{Y(goal):0.#}\" x2=\"{right}\" y2=\"{Y(goal):0.#}\" stroke=\"#2ca02c\" stroke-dasharray=\"2,3\"/>"));
            svg.Append(Invariant($"<text x=\"{right - 4}\" y=\"{Y(goal) - 4:0.#}\" text-anchor=\"end\" fill=\"#2ca02c\" font-size=\"11\">goal {goal:0.###}</text>\n"));
        }
        for (int i = 0; i < panel.Series.Count; i++)
        {
            var series = panel.Series[i];
            string dash = series.Dashed ? " stroke-dasharray=\"5,4\"" : "";
            string path = string.Join(" ", series.Points.Select(p => Invariant($"{X(p.X):0.#},{Y(p.Loss):0.#}")));
            svg.Append(Invariant($"<polyline fill=\"none\" stroke=\"{series.Colour}\" stroke-width=\"1.6\"{dash} points=\"{path}\"/>\n"));
            int y = bottom + 52 + i * LegendRow;
            svg.Append(Invariant($"<line x1=\"{left}\" y1=\"{y - 4}\" x2=\"{left + 22}\" y2=\"{y - 4}\" stroke=\"{series.Colour}\" stroke-width=\"2\"{dash}/><text x=\"{left + 28}\" y=\"{y}\">{Escape(series.Label)}</text>\n"));
        }
    }

    /// <summary>1, 2, 5 × powers of ten inside the range (log10 bounds); 1..9 when the range is under a decade.</summary>
    private static IEnumerable<double> Ticks(double low, double high)
    {
        double[] mantissas = high - low < 1 ? [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8] : [1, 2, 5];
        for (int decade = (int)Math.Floor(low); decade <= (int)Math.Ceiling(high); decade++)
        {
            foreach (double mantissa in mantissas)
            {
                double tick = mantissa * Math.Pow(10, decade);
                if (Math.Log10(tick) >= low && Math.Log10(tick) <= high) yield return tick;
            }
        }
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
