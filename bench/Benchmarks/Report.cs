using System.Globalization;

namespace AttnRnnCluster.Benchmarks;

/// <summary>How figures are printed: a heading with the load at that moment, lines, and goals judged met or not.</summary>
public static class Report
{
    public static void Heading(string title) =>
        Console.WriteLine($"{Environment.NewLine}== {title}  [{DateTime.Now:HH:mm:ss}, load average {Machine.LoadAverage()}]");

    public static void Line(string text) => Console.WriteLine($"   {text}");

    public static void Goal(string what, double value, double goal, string unit = "x") =>
        Line($"{what}: {value:F2}{unit} (goal >= {goal.ToString(CultureInfo.InvariantCulture)}{unit}) -> {(value >= goal ? "met" : "NOT met")}");

    /// <summary>"median 123.4 (runs 120.1, 123.4, 130.0)".</summary>
    public static string Runs(IReadOnlyList<double> values, string format = "F1") =>
        $"median {Median(values).ToString(format, CultureInfo.InvariantCulture)} (runs {string.Join(", ", values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)))})";

    /// <summary>The median of ours[i] / theirs[i]: each pair was measured back to back, so under the same load.</summary>
    public static double MedianRatio(IReadOnlyList<double> ours, IReadOnlyList<double> theirs) =>
        Median(ours.Zip(theirs, (a, b) => a / b));

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) throw new ArgumentException("the median of no values");
        int middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
