namespace AttnRnnCluster.Coordinator.Training;

/// <summary>What a worker did wrong, as the step reports count it (/metrics: attnrnn_bad_results_total{kind}).</summary>
public enum BadResultKind
{
    /// <summary>A result that failed validation: wrong size or count, unknown shard, negative loss, a compute time that is not a time, values that would overflow the sum.</summary>
    Invalid,
    /// <summary>A non-finite or absurd-norm result that another worker's recomputation contradicted.</summary>
    Outlier,
    /// <summary>A shard it was given and could not compute (<c>ShardFailed</c>).</summary>
    Failed,
    /// <summary>An audited result (<c>--verify-fraction</c>) that differs bit for bit from the one two others agree on.</summary>
    Verification,
}
