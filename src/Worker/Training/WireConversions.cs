using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Training;
using AttnRnnCluster.Protocol.Messages;

namespace AttnRnnCluster.Worker.Training;

/// <summary>Between the model's types and the protocol's plain records (Shared knows nothing of the model).</summary>
public static class WireConversions
{
    public static SequenceBatch ToWire(this Batch batch) =>
        new(batch.Count, batch.Steps, batch.Width, batch.OutputWidth, batch.Lengths,
            batch.Features, batch.Tokens, batch.RegressionTargets, batch.ClassTargets, batch.TokenTargets);

    /// <summary>Validates as it converts: a malformed batch from the network throws <see cref="ArgumentException"/>.</summary>
    public static Batch ToBatch(this SequenceBatch wire) =>
        new(wire.Count, wire.Steps, wire.Width, wire.OutputWidth, wire.Lengths,
            wire.Features, wire.Tokens, wire.RegressionTargets, wire.ClassTargets, wire.TokenTargets);

    public static TensorSlot[] ToSlots(this ParameterLayout layout) =>
        layout.Parameters.Select(p => new TensorSlot(p.Name, p.Shape, p.Offset)).ToArray();

    /// <summary>Checks that a received buffer has exactly the layout this replica expects.</summary>
    public static string? DescribeMismatch(this ParameterLayout layout, ParameterBuffer buffer)
    {
        if (buffer.Values.Length != layout.TotalSize)
            return $"expected {layout.TotalSize} values, got {buffer.Values.Length}";
        if (buffer.Slots.Length != layout.Parameters.Count)
            return $"expected {layout.Parameters.Count} tensors, got {buffer.Slots.Length}";
        for (int i = 0; i < buffer.Slots.Length; i++)
        {
            var want = layout.Parameters[i];
            var got = buffer.Slots[i];
            if (got.Name != want.Name || got.Offset != want.Offset || !got.Shape.AsSpan().SequenceEqual(want.Shape))
                return $"tensor {i}: expected {want.Name} [{string.Join(",", want.Shape)}] at {want.Offset}, got {got.Name} [{string.Join(",", got.Shape)}] at {got.Offset}";
        }
        return null;
    }
}
