namespace AttnRnnCluster.Worker.Training;

/// <summary>
/// Fault injection for tests and drills (<c>--inject-fault</c>): a worker that misbehaves in one known way, so the
/// coordinator's defences can be seen at work. Never set in a real run.
/// </summary>
public enum WorkerFault
{
    None,
    /// <summary>Answers every shard with <c>ShardFailed</c>, computing nothing.</summary>
    FailEveryShard,
    /// <summary>Sends finite but absurd gradients: the first value of every training gradient is 1e30.</summary>
    HugeGradient,
    /// <summary>Flips one bit in 1 % of its gradients (its 1st, 101st, 201st, ... training result): silent corruption.</summary>
    FlipBit1Pct,
}
