namespace AttnRnnCluster.Model.Training;

/// <summary>
/// One shard's contribution to a step: the gradient of the SUM of its per-item losses (flat, in
/// <see cref="ParameterLayout"/> order), that sum, and the number of loss items. Summing these over shards
/// in a fixed order and dividing by the total count gives the gradient of the mean loss of the whole batch.
/// </summary>
public sealed record ShardResult(float[] Gradient, double LossSum, long Count);
