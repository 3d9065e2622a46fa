using System.Globalization;
using System.Text;

namespace AttnRnnCluster.Coordinator.Run;

/// <summary>
/// plot.svg: train and eval loss (log scale) and throughput against the step, drawn by hand as SVG so the
/// run folder has a picture to open without any plotting package.
/// </summary>
public static class MetricsPlot
{
    private const int Width = 900, PanelHeight = 300, Margin = 60;

    public static string Render(IReadOnlyList<(long Step, double Loss)> train, IReadOnlyList<(long Step, double Loss)> eval,
        IReadOnlyList<(long Step, double ExamplesPerSecond)> throughput, string title)
    {
        var svg = new StringBuilder();
        int height = 2 * PanelHeight + 3 * Margin;
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(Invariant($"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>\n"));
        svg.Append(Invariant($"<text x=\"{Width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n"));
        long maxStep = Math.Max(1, train.Concat(eval).Select(p => p.Step).DefaultIfEmpty(1).Max());
        var losses = train.Select(p => p.Loss).Concat(eval.Select(p => p.Loss)).Where(l => l > 0 && double.IsFinite(l)).ToList();
        Panel(svg, Margin, "loss (log scale)", maxStep, losses, logScale: true,
            [(train.Select(p => (p.Step, p.Loss)).ToList(), "#1f77b4", "train"), (eval.Select(p => (p.Step, p.Loss)).ToList(), "#d62728", "eval")]);
        Panel(svg, 2 * Margin + PanelHeight, "examples / s", maxStep, throughput.Select(p => p.ExamplesPerSecond).ToList(), logScale: false,
            [(throughput.Select(p => (p.Step, p.ExamplesPerSecond)).ToList(), "#2ca02c", "throughput")]);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Panel(StringBuilder svg, int top, string label, long maxStep, IReadOnlyList<double> values, bool logScale,
        IReadOnlyList<(List<(long Step, double Value)> Points, string Colour, string Name)> series)
    {
        int left = Margin, right = Width - 20, bottom = top + PanelHeight;
        svg.Append(Invariant($"<rect x=\"{left}\" y=\"{top}\" width=\"{right - left}\" height=\"{PanelHeight}\" fill=\"none\" stroke=\"#888\"/>\n"));
        svg.Append(Invariant($"<text x=\"{left}\" y=\"{top - 6}\">{Escape(label)}</text>\n"));
        svg.Append(Invariant($"<text x=\"{right}\" y=\"{bottom + 28}\" text-anchor=\"end\">step</text>\n"));
        var usable = values.Where(v => double.IsFinite(v) && (!logScale || v > 0)).ToList();
        if (usable.Count == 0) return;
        Func<double, double> scale = logScale ? Math.Log10 : v => v;
        double lo = scale(usable.Min()), hi = scale(usable.Max());
        if (!logScale) lo = Math.Min(0, lo);
        if (hi - lo < 1e-9) { hi += 0.5; lo -= 0.5; }
        double X(long step) => left + (right - left) * (double)step / maxStep;
        double Y(double v) => bottom - PanelHeight * (scale(v) - lo) / (hi - lo);
        for (int i = 0; i <= 4; i++)
        {
            double s = lo + (hi - lo) * i / 4;
            double value = logScale ? Math.Pow(10, s) : s;
            double y = bottom - PanelHeight * i / 4.0;
            svg.Append(Invariant($"<line x1=\"{left}\" y1=\"{y:0.#}\" x2=\"{right}\" y2=\"{y:0.#}\" stroke=\"#eee\"/>"));
            svg.Append(Invariant($"<text x=\"{left - 4}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{value:G3}</text>\n"));
        }
        for (int i = 0; i <= 4; i++)
            svg.Append(Invariant($"<text x=\"{X(maxStep * i / 4):0.#}\" y=\"{bottom + 14}\" text-anchor=\"middle\">{maxStep * i / 4}</text>\n"));
        int legendX = right - 120;
        foreach (var (points, colour, name) in series)
        {
            var drawable = points.Where(p => double.IsFinite(p.Value) && (!logScale || p.Value > 0)).ToList();
            if (drawable.Count > 0)
            {
                string path = string.Join(" ", drawable.Select(p => Invariant($"{X(p.Step):0.##},{Y(p.Value):0.##}")));
                svg.Append(Invariant($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"{path}\"/>\n"));
            }
            svg.Append(Invariant($"<rect x=\"{legendX}\" y=\"{top + 8}\" width=\"12\" height=\"3\" fill=\"{colour}\"/><text x=\"{legendX + 16}\" y=\"{top + 13}\">{name}</text>\n"));
            legendX += 60;
        }
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
