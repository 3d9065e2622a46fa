using System.Globalization;
using AttnRnnCluster.Coordinator.Training;

namespace AttnRnnCluster.Coordinator.Run;

/// <summary>
/// The progress line a terminal shows instead of a log line per step: "step 120/600 [=====     ] 20% | loss 0.159765 |
/// 14727 ex/s | ETA 0m03s". It starts with a carriage return and ends with ANSI "erase to the end of the line", never
/// a newline, so each one is drawn over the last. It fits in the terminal's width less one column (a character in the
/// last column would wrap on some terminals): the bar goes first, then the text is cut.
/// </summary>
public static class ProgressLine
{
    /// <summary>ANSI "erase from the cursor to the end of the line": what is left of a longer line before goes.</summary>
    public const string EraseToEnd = "\u001b[K";

    /// <summary>The bar's width between its brackets: the same at every step, so the bar does not jump as the numbers change.</summary>
    public const int BarWidth = 20;

    public static string Render(TrainStepReport report, long maxSteps, int width)
    {
        int room = Math.Max(1, width - 1);
        string head = $"step {report.Step}/{maxSteps}";
        string tail = string.Create(CultureInfo.InvariantCulture,
            $" | loss {report.Loss:0.######} | {report.ExamplesPerSecond:0} ex/s | ETA {Duration(report.Eta)}");
        double done = maxSteps > 0 ? Math.Clamp((double)report.Step / maxSteps, 0, 1) : 0;
        string percent = string.Create(CultureInfo.InvariantCulture, $" {(int)(done * 100),3}%");
        string text = head.Length + BarWidth + 3 + percent.Length + tail.Length <= room
            ? $"{head} [{Bar(done, BarWidth)}]{percent}{tail}"
            : head + tail;
        if (text.Length > room) text = text[..room];
        return "\r" + text + EraseToEnd;
    }

    /// <summary>"?" when unknown, "3m04s" below an hour, "2h05m" from an hour (the step lines' ETA format).</summary>
    public static string Duration(TimeSpan? t) =>
        t is not { } d ? "?" : d.TotalHours >= 1 ? $"{(int)d.TotalHours}h{d.Minutes:D2}m" : $"{d.Minutes}m{d.Seconds:D2}s";

    private static string Bar(double done, int width)
    {
        int filled = (int)Math.Round(done * width);
        return new string('=', filled) + new string(' ', width - filled);
    }
}
