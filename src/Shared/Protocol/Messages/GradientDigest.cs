namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// What the coordinator needs of a gradient that a worker keeps (<see cref="DataPlane.Chain"/>): a 128-bit hash of its bits
/// (XxHash128)
/// (audits compare two workers' digests instead of their gradients), its L2 norm over the finite values (the absurd-norm
/// check), whether every value is finite, and the largest magnitude among the finite ones (the overflow check).
/// </summary>
public sealed record GradientDigest(byte[] Hash, double Norm, bool Finite, float MaxMagnitude)
{
    public const int HashLength = 16;

    /// <summary>Bit for bit: the same hash and the same statistics.</summary>
    public bool SameBits(GradientDigest other) =>
        Hash.AsSpan().SequenceEqual(other.Hash)
        && BitConverter.DoubleToInt64Bits(Norm) == BitConverter.DoubleToInt64Bits(other.Norm)
        && Finite == other.Finite
        && BitConverter.SingleToInt32Bits(MaxMagnitude) == BitConverter.SingleToInt32Bits(other.MaxMagnitude);
}
