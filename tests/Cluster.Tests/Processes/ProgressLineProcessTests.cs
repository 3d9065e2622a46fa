using System.Text.RegularExpressions;

namespace AttnRnnCluster.Cluster.Tests.Processes;

/// <summary>
/// The same small run at a terminal (a pseudo-terminal), with --progress off there, and redirected: only the first
/// shows one redrawn progress line instead of a log line per step; its train.log and the other two outputs keep every
/// step line.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed partial class ProgressLineProcessTests : IDisposable
{
    private const int Steps = 20;
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    private static readonly IEnumerable<long> EveryStep = Enumerable.Range(1, Steps).Select(s => (long)s);

    private readonly string _dir = Directory.CreateTempSubdirectory("attnrnn-progress-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task At_a_terminal_one_line_is_redrawn_per_step_while_train_log_and_redirected_output_keep_every_step_line()
    {
        var terminal = await TerminalRun.CoordinatorAsync(Run("terminal"), Limit);
        var progressOff = await TerminalRun.CoordinatorAsync([.. Run("progress-off"), "--progress", "false"], Limit);
        var redirected = await CommandRun.CoordinatorAsync(Run("redirected"), Limit);

        Assert.True(terminal.ExitCode == 0, terminal.ToString());
        string shown = terminal.StandardOutput;
        // Each step drawn over the last: from the line's start to an erase, never followed by a new line.
        Assert.Equal(EveryStep, ProgressDraw().Matches(shown).Select(m => long.Parse(m.Groups["step"].Value)).Distinct());
        string text = WithoutEscapes(shown);
        Assert.Empty(StepLogLine().Matches(text));
        Assert.Contains($"eval step {Steps} held-out loss", text); // other lines still show, above the progress line
        Assert.Contains("done: reached the step cap", text);
        Assert.Equal(EveryStep, LoggedSteps(File.ReadAllText(Path.Combine(_dir, "terminal", "train.log"))));

        Assert.True(progressOff.ExitCode == 0, progressOff.ToString());
        Assert.Empty(ProgressDraw().Matches(progressOff.StandardOutput));
        Assert.Equal(EveryStep, LoggedSteps(WithoutEscapes(progressOff.StandardOutput)));

        Assert.True(redirected.ExitCode == 0, redirected.ToString());
        Assert.DoesNotContain('\r', redirected.StandardOutput);
        Assert.DoesNotContain("\u001b", redirected.StandardOutput);
        Assert.Equal(EveryStep, LoggedSteps(redirected.StandardOutput));
    }

    private string[] Run(string name) =>
        ["--seq-len", "12", "--hidden", "8", "--batch", "8", "--micro-batch", "4", "--steps", $"{Steps}", "--target-loss", "0",
         "--held-out", "16", "--eval-every", "5", "--out", Path.Combine(_dir, name)];

    private static IEnumerable<long> LoggedSteps(string log) => StepLogLine().Matches(log).Select(m => long.Parse(m.Groups["step"].Value));

    /// <summary>The terminal's colours and the line's erase codes taken out, leaving the text a reader sees.</summary>
    private static string WithoutEscapes(string output) => Escape().Replace(output, "");

    [GeneratedRegex(@"\rstep (?<step>\d+)/20 [^\r\n\u001b]*\u001b\[K(?!\r?\n)")]
    private static partial Regex ProgressDraw();

    [GeneratedRegex(@"\] (\([^)]*\) )?step (?<step>\d+) loss ")]
    private static partial Regex StepLogLine();

    [GeneratedRegex(@"\u001b(\[[0-9;?]*[A-Za-z]|[=>])")]
    private static partial Regex Escape();
}
