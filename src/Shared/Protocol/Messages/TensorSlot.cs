namespace AttnRnnCluster.Protocol.Messages;

/// <summary>Where one named tensor sits in a flat buffer.</summary>
public sealed record TensorSlot(string Name, int[] Shape, int Offset)
{
    public int Size => Shape.Aggregate(1, (a, b) => a * b);
}
