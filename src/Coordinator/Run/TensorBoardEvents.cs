using AttnRnnCluster.Coordinator.Training;
using Serilog;
using TorchSharp.Modules;

namespace AttnRnnCluster.Coordinator.Run;

/// <summary>
/// What a step or an evaluation becomes in TensorBoard: one scalar per tag of <see cref="TensorBoardTags"/> at the
/// step's number, through TorchSharp's SummaryWriter (which appends each value to its event file and closes it).
/// </summary>
public sealed class TensorBoardEvents(SummaryWriter writer)
{
    /// <summary>Workers that get series of their own over a run (the table itself may hold more).</summary>
    public const int MaxWorkerSeries = 64;

    private readonly ILogger _log = Log.ForContext<TensorBoardEvents>();
    private readonly WorkerSeriesNames _series = new(MaxWorkerSeries);

    public void Write(TrainStepReport r)
    {
        int step = StepOf(r.Step);
        Add(TensorBoardTags.TrainLoss, r.Loss, step);
        Add(TensorBoardTags.ExamplesPerSecond, r.ExamplesPerSecond, step);
        if (r.TokensPerSecond is { } tokens) Add(TensorBoardTags.TokensPerSecond, tokens, step);
        Add(TensorBoardTags.StepMs, r.StepMs, step);
        Add(TensorBoardTags.ComputeSlowestMs, r.ComputeSlowestMs, step);
        Add(TensorBoardTags.ComputeMedianMs, r.ComputeMedianMs, step);
        Add(TensorBoardTags.WaitingMs, r.WaitingMs, step);
        Add(TensorBoardTags.ReduceAndOptimizerMs, r.ReduceAndOptimizerMs, step);
        Add(TensorBoardTags.BroadcastMs, r.BroadcastMs, step);
        Add(TensorBoardTags.LearningRate, r.LearningRate, step);
        Add(TensorBoardTags.GradientNorm, r.GradientNorm, step);
        Add(TensorBoardTags.WorkersRegistered, r.Workers, step);
        Add(TensorBoardTags.WorkersActive, r.WorkerTable.Count(w => w.State == WorkerState.Active), step);
        Add(TensorBoardTags.WorkersExcluded, r.WorkersExcluded, step);
        foreach (var worker in r.WorkerTable)
        {
            if (_series.For(worker.Name, worker.Location) is not { } series)
            {
                if (_series.Refused == 1)
                    _log.Warning("TensorBoard: {Max} workers already have series of their own; {Worker} and any later ones get none", MaxWorkerSeries, worker.Name);
                continue;
            }
            Add(TensorBoardTags.WorkerLateness(series), worker.LatenessMs, step);
            Add(TensorBoardTags.WorkerShardsDone(series), worker.ShardsDone, step);
        }
    }

    public void Write(EvalReport r)
    {
        int step = StepOf(r.Step);
        Add(TensorBoardTags.EvalLoss, r.Loss, step);
        Add(TensorBoardTags.EvalMs, r.Ms, step);
    }

    private void Add(string tag, double value, int step) => writer.add_scalar(tag, (float)value, step);

    /// <summary>SummaryWriter counts steps in an int; no run comes near, but a step past it is pinned, not wrapped.</summary>
    private static int StepOf(long step) => (int)Math.Min(step, int.MaxValue);
}
