using System.Collections.Concurrent;
using AttnRnnCluster.Coordinator.Training;
using Serilog;
using static TorchSharp.torch.utils.tensorboard;

namespace AttnRnnCluster.Coordinator.Run;

/// <summary>
/// TensorBoard event files in the run folder (<see cref="TensorBoardEvents"/> says what goes in). TorchSharp's
/// SummaryWriter opens its file, appends, flushes and closes it for every value: a live TensorBoard sees each step as
/// soon as it is written, but a step's twenty-odd values cost a millisecond or more of file calls. So the coordinator
/// only queues the report (a reference to an immutable record) and a thread of this journal writes it. The queue holds
/// <see cref="QueueBound"/> reports; a writer that falls that far behind (a stalled disk) loses the newest steps, which
/// is logged once, and never holds up training. A file it cannot write (a full disk) is logged once and ends the
/// TensorBoard output, never the run. It reads only the reports: no tensor, no random number, nothing of the model's.
/// </summary>
public sealed class TensorBoardJournal : ITrainingJournal, IDisposable
{
    public const int QueueBound = 4096;

    /// <summary>How long <see cref="Dispose"/> waits for the queue to be written: within the 10 s a signalled process has.</summary>
    public static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(3);

    private readonly ILogger _log = Log.ForContext<TensorBoardJournal>();
    private readonly BlockingCollection<object> _queue = new(QueueBound);
    private readonly Thread _thread;
    private readonly string _runFolder;
    private long _dropped;
    /// <summary>
    /// Set when <see cref="Dispose"/> gave up waiting: the writer stops at its next report and says nothing more, so a
    /// process that goes on after the run (a test host, a resumed run) is not written to or logged at by an old run.
    /// </summary>
    private volatile bool _abandoned;

    public TensorBoardJournal(string runFolder)
    {
        _runFolder = runFolder;
        _thread = new Thread(WriteAll) { IsBackground = true, Name = "tensorboard-writer" };
        _thread.Start();
    }

    public void Step(TrainStepReport report) => Enqueue(report);

    public void Evaluated(EvalReport report) => Enqueue(report);

    public void Checkpoint(long step, bool isBest) { }

    /// <summary>Nothing more comes; what is queued is still written (<see cref="Dispose"/> waits for it).</summary>
    public void Finished(RunSummary summary) => _queue.CompleteAdding();

    public void Failed(string doing, Exception error) => _queue.CompleteAdding();

    /// <summary>Waits up to <see cref="DrainLimit"/> for the queued reports to be written.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        if (_thread.Join(DrainLimit))
            _queue.Dispose();
        else
        {
            _abandoned = true;
            _log.Warning("TensorBoard: the event file was still being written {Seconds:0} s after the run ended; the last steps may be missing from it", DrainLimit.TotalSeconds);
        }
    }

    private void Enqueue(object report)
    {
        try
        {
            if (_queue.TryAdd(report)) return;
        }
        catch (InvalidOperationException)
        {
            return; // the output has ended (the run's end, or a file error)
        }
        if (Interlocked.Increment(ref _dropped) == 1)
            _log.Warning("TensorBoard: the event file writer is {Bound} reports behind (a slow disk?); steps that come while it is that far behind are left out of it", QueueBound);
    }

    private void WriteAll()
    {
        try
        {
            var events = new TensorBoardEvents(SummaryWriter(_runFolder));
            foreach (object report in _queue.GetConsumingEnumerable())
            {
                if (_abandoned) return;
                if (report is TrainStepReport step) events.Write(step);
                else events.Write((EvalReport)report);
            }
        }
        catch (Exception) when (_abandoned)
        {
            // The run is over and has said the file may be incomplete (its folder may be gone): nothing more to tell.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Warning("TensorBoard: could not write to {RunFolder} ({Problem}); no more TensorBoard events this run (metrics.jsonl and the log go on)", _runFolder, e.Message);
            _queue.CompleteAdding();
        }
        catch (Exception e)
        {
            // A thread's unhandled exception would end the process: a view of the run must not end the run.
            _log.Error(e, "TensorBoard: the event file writer failed; no more TensorBoard events this run (metrics.jsonl and the log go on)");
            _queue.CompleteAdding();
        }
    }
}
