using Akka.Actor;
using AttnRnnCluster.Coordinator.Training;
using Serilog;

namespace AttnRnnCluster.Coordinator.Hosting;

/// <summary>
/// Waits for the coordinator actor's run to end, however it ends: finished or failed (its summary), stopped on
/// request (asked to stop between two steps, it answers with a stopped summary after a final checkpoint), or not at
/// all. A coordinator actor that stops unexpectedly, or does not answer a stop within <see cref="StopAnswer"/>, yields
/// no summary, and the process goes on to exit instead of waiting for ever.
/// </summary>
public static class CoordinatorRun
{
    /// <summary>How long a stop request may take to be answered: part of <see cref="AttnRnnCluster.Hosting.StopSignals.Grace"/>.</summary>
    public static readonly TimeSpan StopAnswer = TimeSpan.FromSeconds(4);

    /// <summary>How long leaving the cluster and terminating the actor system may each take when the run is over.</summary>
    public static readonly TimeSpan Farewell = TimeSpan.FromSeconds(2);

    public static async Task<RunSummary?> AwaitAsync(IActorRef coordinator, CancellationToken stopping, Func<string> stopReason)
    {
        var finished = coordinator.Ask<RunSummary>(new TrainingCoordinator.AwaitCompletion(), Timeout.InfiniteTimeSpan);
        var died = coordinator.WatchAsync();
        var stop = Task.Delay(Timeout.Infinite, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
        var first = await Task.WhenAny(finished, died, stop);
        if (first == finished) return await finished;
        if (first == died)
        {
            Log.Error("The coordinator actor stopped unexpectedly; the run cannot go on");
            return null;
        }
        coordinator.Tell(new TrainingCoordinator.StopTraining(stopReason()));
        first = await Task.WhenAny(finished, died, Task.Delay(StopAnswer));
        if (first == finished) return await finished;
        Log.Error(first == died
            ? "The coordinator actor had stopped: no final checkpoint"
            : "The coordinator actor did not answer the stop within {Seconds:0} s (it may be stuck): no final checkpoint", StopAnswer.TotalSeconds);
        return null;
    }

    /// <summary>Waits for <paramref name="task"/> at most <see cref="Farewell"/>: a node that cannot say goodbye in time exits without.</summary>
    public static Task Bounded(Task task) => Task.WhenAny(task, Task.Delay(Farewell));
}
