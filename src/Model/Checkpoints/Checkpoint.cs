namespace AttnRnnCluster.Model.Checkpoints;

/// <summary>
/// A saved model: its architecture, weights (flat, <see cref="Training.ParameterLayout"/> order), the number of
/// steps completed, the run's seed, and for text the vocabulary (one string per token id).
/// </summary>
public sealed record Checkpoint(ModelConfig Config, float[] Weights, long Step, ulong Seed, IReadOnlyList<string>? Vocabulary = null);
