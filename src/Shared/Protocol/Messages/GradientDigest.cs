namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// What the coordinator needs of a gradient that a worker keeps (<see cref="DataPlane.Chain"/>): the SHA-256 of its bits
/// (audits compare two workers' digests instead of their gradients), its L2 norm over the finite values (the absurd-norm
/// check), whether every value is finite, and the largest magnitude among the finite ones (the overflow check).
/// </summary>
public sealed record GradientDigest(byte[] Sha256, double Norm, bool Finite, float MaxMagnitude)
{
    public const int HashLength = 32;

    /// <summary>Bit for bit: the same hash and the same statistics.</summary>
    public bool SameBits(GradientDigest other) =>
        Sha256.AsSpan().SequenceEqual(other.Sha256)
        && BitConverter.DoubleToInt64Bits(Norm) == BitConverter.DoubleToInt64Bits(other.Norm)
        && Finite == other.Finite
        && BitConverter.SingleToInt32Bits(MaxMagnitude) == BitConverter.SingleToInt32Bits(other.MaxMagnitude);
}
