namespace AttnRnnCluster.Model.Checkpoints;

/// <summary>A tensor as a checkpoint stores it: name, shape, row-major float32 values.</summary>
public sealed record NamedTensor(string Name, int[] Shape, float[] Values);
