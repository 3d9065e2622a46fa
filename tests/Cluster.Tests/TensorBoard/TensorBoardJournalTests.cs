using AttnRnnCluster.Coordinator.Run;
using AttnRnnCluster.Coordinator.Training;

namespace AttnRnnCluster.Cluster.Tests.TensorBoard;

/// <summary>The journal's writer thread: everything queued is in the file once the journal is disposed; a file error never reaches the run.</summary>
public sealed class TensorBoardJournalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("attnrnn-tbjournal-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Disposing_waits_until_every_queued_report_is_written()
    {
        var journal = new TensorBoardJournal(_dir);
        // Few enough to be written well within the drain limit on a busy machine, too many to be written at once.
        for (int step = 1; step <= 10; step++) journal.Step(Report(step));
        journal.Evaluated(new EvalReport(10, 0.125, 40, 3));
        journal.Finished(new RunSummary(10, 0.5, 0.125, 0.125, false, "step cap", TimeSpan.FromSeconds(1)));

        journal.Dispose();

        var scalars = EventFiles.Scalars(EventFiles.In(_dir));
        Assert.Equal(Enumerable.Range(1, 10).Select(s => (long)s), scalars[TensorBoardTags.TrainLoss].Select(p => p.Step));
        Assert.Equal((10L, 0.125f), Assert.Single(scalars[TensorBoardTags.EvalLoss]));
    }

    [Fact]
    public void A_run_folder_it_cannot_write_ends_the_event_output_not_the_run()
    {
        string notAFolder = Path.Combine(_dir, "file");
        File.WriteAllText(notAFolder, "");
        var journal = new TensorBoardJournal(notAFolder);

        for (int step = 1; step <= 10; step++) journal.Step(Report(step));
        journal.Dispose();

        Assert.Equal("", File.ReadAllText(notAFolder));
    }

    private static TrainStepReport Report(long step) =>
        new(step, 0.5, 1000, null, 10, 8, 7, 1, 0.5, 0.25, 1, 1e-3, 0.75, null)
        {
            WorkerTable = [new WorkerStatus("w", "in-process", WorkerState.Active, 5 * step, 0, 7, 0)],
        };
}
