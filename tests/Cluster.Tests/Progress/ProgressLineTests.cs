using AttnRnnCluster.Coordinator.Run;
using AttnRnnCluster.Coordinator.Training;

namespace AttnRnnCluster.Cluster.Tests.Progress;

/// <summary>The progress line as drawn: within the terminal's width, redrawn in place, never a new line.</summary>
public sealed class ProgressLineTests
{
    [Fact]
    public void A_line_returns_to_the_start_erases_what_is_left_and_never_ends_a_line()
    {
        string line = ProgressLine.Render(Report(120, TimeSpan.FromSeconds(184)), maxSteps: 600, width: 100);

        Assert.Equal("\rstep 120/600 [====                ]  20% | loss 0.159765 | 14727 ex/s | ETA 3m04s" + ProgressLine.EraseToEnd, line);
        Assert.DoesNotContain('\n', line);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(80)]
    [InlineData(60)]
    [InlineData(30)]
    [InlineData(1)]
    public void The_text_fits_in_the_width_less_one_column(int width)
    {
        string line = ProgressLine.Render(Report(120, TimeSpan.FromSeconds(184)), maxSteps: 600, width);

        string text = line[1..^ProgressLine.EraseToEnd.Length];
        Assert.True(text.Length <= Math.Max(1, width - 1), $"{text.Length} characters for a width of {width}: {text}");
        Assert.StartsWith("s", text);
    }

    [Fact]
    public void A_terminal_too_narrow_for_the_bar_gets_the_numbers_without_it()
    {
        string line = ProgressLine.Render(Report(120, null), maxSteps: 600, width: 60);

        Assert.Equal("\rstep 120/600 | loss 0.159765 | 14727 ex/s | ETA ?" + ProgressLine.EraseToEnd, line);
    }

    [Fact]
    public void The_bar_is_full_at_the_last_step()
    {
        Assert.Contains("[====================] 100%", ProgressLine.Render(Report(600, TimeSpan.Zero), maxSteps: 600, width: 100));
    }

    [Theory]
    [InlineData(null, "?")]
    [InlineData(0.0, "0m00s")]
    [InlineData(59.4, "0m59s")]
    [InlineData(184.0, "3m04s")]
    [InlineData(3599.0, "59m59s")]
    [InlineData(3600.0, "1h00m")]
    [InlineData(7500.0, "2h05m")]
    [InlineData(90000.0, "25h00m")]
    public void The_ETA_reads_in_minutes_and_seconds_below_an_hour_and_hours_and_minutes_above(double? seconds, string shown)
    {
        Assert.Equal(shown, ProgressLine.Duration(seconds is { } s ? TimeSpan.FromSeconds(s) : null));
    }

    private static TrainStepReport Report(long step, TimeSpan? eta) =>
        new(step, 0.1597654321, 14727.3, null, 17.4, 16.2, 15.9, 0.4, 0.21, 0.05, 2, 2e-3, 0.1419, eta);
}
