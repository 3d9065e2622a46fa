using AttnRnnCluster.Model.Network.Batched;
using AttnRnnCluster.Model.Network.Fast;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Model.Network;

/// <summary>
/// The one place the executables get a model replica from, so the engine behind it can change in one place, in
/// float32: the batched engine (a shard's sequences together, libtorch GEMMs) from <see cref="BatchedFromHidden"/>
/// hidden units up, where its matrix-matrix products win; below, the per-sequence fast engine, whose whole step
/// stays in cache and pays no per-call overhead (docs/performance.md, "Scale I"). The choice depends on the
/// config alone, so every worker of a run builds the same engine. <see cref="AutogradEngine"/> stays as the
/// reference both are tested against.
/// </summary>
public static class GradientEngines
{
    /// <summary>The smallest hidden width the batched engine is used for.</summary>
    public const int BatchedFromHidden = 256;

    public static IGradientEngine Create(ModelConfig config) => Create(config, threads: 1);

    /// <summary>
    /// An engine for <paramref name="config"/> computing on <paramref name="threads"/> threads (1..256), with the
    /// same bits whatever the number. The fast engine (below <see cref="BatchedFromHidden"/>) runs on one thread.
    /// </summary>
    public static IGradientEngine Create(ModelConfig config, int threads)
    {
        if (threads < 1 || threads > BatchedEngine<float>.MaxThreads)
            throw new ArgumentOutOfRangeException(nameof(threads), $"threads must be in 1..{BatchedEngine<float>.MaxThreads} (got {threads})");
        return config.Hidden >= BatchedFromHidden ? new BatchedEngine<float>(config, threads) : new FastEngine<float>(config);
    }
}
