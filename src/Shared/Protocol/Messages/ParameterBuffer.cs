namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// A model's weights (or a gradient) as one flat float32 buffer plus the names and shapes of the tensors
/// packed in it, in the order of the model's parameter layout.
/// </summary>
public sealed record ParameterBuffer(TensorSlot[] Slots, float[] Values);
