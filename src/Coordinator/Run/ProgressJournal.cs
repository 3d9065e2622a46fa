using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Hosting.Logging;

namespace AttnRnnCluster.Coordinator.Run;

/// <summary>
/// The run's progress on an interactive terminal: one <see cref="ProgressLine"/> redrawn at each step, in place of
/// the step log lines on the console (the run journal marks them; train.log keeps them), with every other log line
/// printed above it. Closed when the run ends, so the summary lines follow on a clean line.
/// </summary>
public sealed class ProgressJournal : ITrainingJournal, IDisposable
{
    private const int FallbackWidth = 80;

    private readonly ConsoleStatusLine _line;
    private readonly long _maxSteps;
    private readonly Func<int> _width;

    public ProgressJournal(ConsoleStatusLine line, long maxSteps, Func<int>? width = null)
    {
        _line = line;
        _maxSteps = maxSteps;
        _width = width ?? TerminalWidth;
        _line.Open();
    }

    public void Step(TrainStepReport report) => _line.Show(ProgressLine.Render(report, _maxSteps, _width()));

    public void Evaluated(EvalReport report) { }

    public void Checkpoint(long step, bool isBest) { }

    public void Finished(RunSummary summary) => _line.Close();

    public void Failed(string doing, Exception error) => _line.Close();

    public void Dispose() => _line.Close();

    /// <summary>Read at each step, so a resized terminal gets lines of its new width; a pseudo-terminal may say 0.</summary>
    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : FallbackWidth;
        }
        catch (IOException)
        {
            return FallbackWidth;
        }
    }
}
