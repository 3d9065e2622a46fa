using AttnRnnCluster.Model.Data;

namespace AttnRnnCluster.Model.Training;

/// <summary>
/// A model replica that turns weights plus a shard of data into a <see cref="ShardResult"/>. One per worker;
/// not thread-safe. Results depend only on (weights, shard, intra-op threads): never on history.
/// </summary>
public interface IGradientEngine : IDisposable
{
    ModelConfig Config { get; }
    ParameterLayout Layout { get; }

    /// <summary>Replaces every weight; <paramref name="flat"/> is in <see cref="Layout"/> order.</summary>
    void SetWeights(ReadOnlySpan<float> flat);

    /// <summary>The gradient of the shard's summed loss, the sum, and the loss-item count.</summary>
    ShardResult ComputeGradient(Batch shard);

    /// <summary>Forward only: the shard's summed loss and its loss-item count.</summary>
    (double LossSum, long Count) Evaluate(Batch shard);

    /// <summary>Forward only: y_t for every step, [B*T*O] row-major (padded steps included; their values mean nothing).</summary>
    float[] Forward(Batch batch);
}
