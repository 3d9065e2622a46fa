using Akka.Dispatch;

namespace AttnRnnCluster.Transport;

/// <summary>
/// A dispatcher whose actors process a message that arrives on a message lane on the lane's reading thread (see
/// <see cref="LaneDelivery"/>), and everything else on their executor as usual. Akka's mailbox lets only one thread
/// run an actor at a time, whichever thread that is, so the actor's guarantees are unchanged. It is meant for the
/// actors on the step's critical path, the coordinator and the workers: the lane they are run from is blocked while
/// they work, which delays only the later messages of the same node, which would have waited for the actor anyway.
/// </summary>
public sealed class LaneInlineDispatcher(
    MessageDispatcherConfigurator configurator,
    string id,
    int throughput,
    long? throughputDeadlineTime,
    ExecutorServiceFactory executorServiceFactory,
    TimeSpan shutdownTimeout)
    : Dispatcher(configurator, id, throughput, throughputDeadlineTime, executorServiceFactory, shutdownTimeout)
{
    protected override void ExecuteTask(IRunnable run)
    {
        if (!LaneDelivery.TryRunHere(run))
            base.ExecuteTask(run);
    }
}
