namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// How a step's gradients and weights move (<c>--data-plane</c>). <see cref="Star"/>: every shard's gradient to the
/// coordinator, the new weights from it to every worker. <see cref="Chain"/>: workers keep their shards' gradients and
/// add them to a running sum passed from worker to worker in shard order, the last one hands the sum to the coordinator,
/// and the new weights go back down a chain of workers; each worker's link carries about two models each way (the sum
/// and the weights, each taken in and passed on). The bits are the same.
/// </summary>
public enum DataPlane
{
    Star,
    Chain,
}
