using System.Globalization;
using System.Text;

namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>The growth figure drawn by hand as SVG (no plotting package): one panel per setting, ms per step against its value.</summary>
public static class GrowthPlot
{
    private const int PanelWidth = 330, PanelHeight = 240, Left = 55, Top = 70, Gap = 75;
    private const string OursColour = "#1f77b4", PeerColour = "#ff7f0e";

    public static string Render(IReadOnlyList<GrowthPanel> panels, string title)
    {
        int columns = 2, rows = (panels.Count + 1) / 2;
        int width = Left + columns * (PanelWidth + Gap), height = Top + rows * (PanelHeight + Gap);
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(Invariant($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n"));
        svg.Append(Invariant($"<text x=\"{width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n"));
        Legend(svg, width / 2 - 110, 42, OursColour, "ours");
        Legend(svg, width / 2 + 10, 42, PeerColour, "PyTorch eager");
        for (int i = 0; i < panels.Count; i++)
            Panel(svg, panels[i], Left + i % columns * (PanelWidth + Gap), Top + i / columns * (PanelHeight + Gap));
        return svg.Append("</svg>\n").ToString();
    }

    private static void Panel(StringBuilder svg, GrowthPanel panel, int left, int top)
    {
        int right = left + PanelWidth, bottom = top + PanelHeight;
        double maxX = panel.Points.Max(p => p.Value);
        double maxY = panel.Points.Max(p => Math.Max(p.OursMs, p.PeerMs ?? 0)) * 1.1;
        double X(double value) => left + PanelWidth * value / maxX;
        double Y(double ms) => bottom - PanelHeight * ms / maxY;

        svg.Append(Invariant($"<rect x=\"{left}\" y=\"{top}\" width=\"{PanelWidth}\" height=\"{PanelHeight}\" fill=\"none\" stroke=\"#888\"/>\n"));
        svg.Append(Invariant($"<text x=\"{left}\" y=\"{top - 8}\" font-size=\"11\">{Escape(panel.Fixed)}</text>\n"));
        svg.Append(Invariant($"<text x=\"{right}\" y=\"{bottom + 32}\" text-anchor=\"end\" font-size=\"13\">{Escape(panel.Setting)}</text>\n"));
        svg.Append(Invariant($"<text x=\"{left - 40}\" y=\"{top + PanelHeight / 2}\" transform=\"rotate(-90 {left - 40} {top + PanelHeight / 2})\" text-anchor=\"middle\">ms per step</text>\n"));
        for (int i = 0; i <= 4; i++)
        {
            double ms = maxY * i / 4;
            svg.Append(Invariant($"<line x1=\"{left}\" y1=\"{Y(ms):0.#}\" x2=\"{right}\" y2=\"{Y(ms):0.#}\" stroke=\"#eee\"/>"));
            svg.Append(Invariant($"<text x=\"{left - 4}\" y=\"{Y(ms) + 4:0.#}\" text-anchor=\"end\">{ms:G3}</text>\n"));
        }
        foreach (var point in panel.Points)
            svg.Append(Invariant($"<text x=\"{X(point.Value):0.#}\" y=\"{bottom + 15}\" text-anchor=\"middle\">{point.Value}</text>\n"));
        Series(svg, panel.Points.Select(p => (X(p.Value), Y(p.OursMs))).ToList(), OursColour);
        Series(svg, panel.Points.Where(p => p.PeerMs != null).Select(p => (X(p.Value), Y(p.PeerMs!.Value))).ToList(), PeerColour);
    }

    private static void Series(StringBuilder svg, IReadOnlyList<(double X, double Y)> points, string colour)
    {
        if (points.Count == 0) return;
        string path = string.Join(" ", points.Select(p => Invariant($"{p.X:0.#},{p.Y:0.#}")));
        svg.Append(Invariant($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{path}\"/>\n"));
        foreach (var (x, y) in points)
            svg.Append(Invariant($"<circle cx=\"{x:0.#}\" cy=\"{y:0.#}\" r=\"3.5\" fill=\"{colour}\"/>\n"));
    }

    private static void Legend(StringBuilder svg, int x, int y, string colour, string name) =>
        svg.Append(Invariant($"<rect x=\"{x}\" y=\"{y - 4}\" width=\"18\" height=\"4\" fill=\"{colour}\"/><text x=\"{x + 24}\" y=\"{y + 2}\">{Escape(name)}</text>\n"));

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
