using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Protocol.Formats;

/// <summary>
/// Layouts of the work messages. Batches always travel as exact float32 (inputs are data, not weights);
/// a gradient travels in its message's <see cref="Messages.ShardCompleted.GradientPrecision"/>, which its encoding
/// byte carries (so the layout did not change when the field came).
/// </summary>
internal static class ShardFormats
{
    public static readonly MessageFormat ShardAssignment = MessageFormat.Of<ShardAssignment>("sa", 1,
        static (w, m) =>
        {
            WriteShardId(w, m.Version, m.Kind, m.ShardIndex);
            WriteBatch(w, w.Required(m.Batch, nameof(m.Batch)));
        },
        static r => new ShardAssignment(
            Version: r.ReadInt64(nameof(Messages.ShardAssignment.Version)),
            Kind: r.ReadEnum<WorkKind>(nameof(Messages.ShardAssignment.Kind)),
            ShardIndex: r.ReadInt32(nameof(Messages.ShardAssignment.ShardIndex)),
            Batch: ReadBatch(r)));

    public static readonly MessageFormat ShardCompleted = MessageFormat.Of<ShardCompleted>("sc", 2,
        static (w, m) =>
        {
            WriteShardId(w, m.Version, m.Kind, m.ShardIndex);
            w.WriteOptionalFloats(m.Gradient, m.GradientPrecision);
            w.WriteDouble(m.LossSum);
            w.WriteInt64(m.Count);
            w.WriteDouble(m.ComputeMilliseconds);
            WriteDigest(w, m.Digest);
        },
        static r => new ShardCompleted(
            Version: r.ReadInt64(nameof(Messages.ShardCompleted.Version)),
            Kind: r.ReadEnum<WorkKind>(nameof(Messages.ShardCompleted.Kind)),
            ShardIndex: r.ReadInt32(nameof(Messages.ShardCompleted.ShardIndex)),
            Gradient: r.ReadOptionalFloats(nameof(Messages.ShardCompleted.Gradient), out var precision),
            LossSum: r.ReadDouble(nameof(Messages.ShardCompleted.LossSum)),
            Count: r.ReadInt64(nameof(Messages.ShardCompleted.Count)),
            ComputeMilliseconds: r.ReadDouble(nameof(Messages.ShardCompleted.ComputeMilliseconds)),
            GradientPrecision: precision,
            Digest: ReadDigest(r)));

    public static readonly MessageFormat ShardProgress = MessageFormat.Of<ShardProgress>("sp", 1,
        static (w, m) => WriteShardId(w, m.Version, m.Kind, m.ShardIndex),
        static r => new ShardProgress(
            Version: r.ReadInt64(nameof(Messages.ShardProgress.Version)),
            Kind: r.ReadEnum<WorkKind>(nameof(Messages.ShardProgress.Kind)),
            ShardIndex: r.ReadInt32(nameof(Messages.ShardProgress.ShardIndex))));

    public static readonly MessageFormat ShardFailed = MessageFormat.Of<ShardFailed>("sf", 1,
        static (w, m) =>
        {
            WriteShardId(w, m.Version, m.Kind, m.ShardIndex);
            w.WriteString(m.Reason, nameof(m.Reason));
        },
        static r => new ShardFailed(
            Version: r.ReadInt64(nameof(Messages.ShardFailed.Version)),
            Kind: r.ReadEnum<WorkKind>(nameof(Messages.ShardFailed.Kind)),
            ShardIndex: r.ReadInt32(nameof(Messages.ShardFailed.ShardIndex)),
            Reason: r.ReadString(nameof(Messages.ShardFailed.Reason))));

    private static void WriteDigest(WireWriter w, GradientDigest? digest)
    {
        w.WriteByte(digest == null ? (byte)0 : (byte)1);
        if (digest == null) return;
        if (digest.Hash.Length != GradientDigest.HashLength) throw new ArgumentException($"a gradient digest's hash has {digest.Hash.Length} bytes, expected {GradientDigest.HashLength}");
        w.WriteBytes(digest.Hash);
        w.WriteDouble(digest.Norm);
        w.WriteFlag(digest.Finite);
        w.WriteUInt32(BitConverter.SingleToUInt32Bits(digest.MaxMagnitude));
    }

    private static GradientDigest? ReadDigest(WireReader r)
    {
        byte present = r.ReadByte("Digest");
        if (present == 0) return null;
        if (present != 1) throw r.Malformed("Digest", $"presence byte is {present}, expected 0 or 1");
        var hash = r.ReadBytes("Digest.Hash");
        if (hash.Length != GradientDigest.HashLength) throw r.Malformed("Digest.Hash", $"has {hash.Length} bytes, expected {GradientDigest.HashLength}");
        double norm = r.ReadDouble("Digest.Norm");
        bool finite = r.ReadFlag("Digest.Finite");
        return new GradientDigest(hash.ToArray(), norm, finite, BitConverter.UInt32BitsToSingle(r.ReadUInt32("Digest.MaxMagnitude")));
    }

    private static void WriteShardId(WireWriter w, long version, WorkKind kind, int shardIndex)
    {
        w.WriteInt64(version);
        w.WriteByte((byte)kind);
        w.WriteInt32(shardIndex);
    }

    private static void WriteBatch(WireWriter w, SequenceBatch batch)
    {
        w.WriteInt32(batch.Count);
        w.WriteInt32(batch.Steps);
        w.WriteInt32(batch.Width);
        w.WriteInt32(batch.OutputWidth);
        w.WriteInt32s(batch.Lengths, "Batch.Lengths");
        w.WriteOptionalFloats(batch.Features, WirePrecision.F32);
        w.WriteOptionalInt64s(batch.Tokens);
        w.WriteOptionalFloats(batch.RegressionTargets, WirePrecision.F32);
        w.WriteOptionalInt64s(batch.ClassTargets);
        w.WriteOptionalInt64s(batch.TokenTargets);
    }

    private static SequenceBatch ReadBatch(WireReader r) => new(
        Count: r.ReadInt32("Batch.Count"),
        Steps: r.ReadInt32("Batch.Steps"),
        Width: r.ReadInt32("Batch.Width"),
        OutputWidth: r.ReadInt32("Batch.OutputWidth"),
        Lengths: r.ReadInt32s("Batch.Lengths"),
        Features: r.ReadOptionalFloats("Batch.Features"),
        Tokens: r.ReadOptionalInt64s("Batch.Tokens"),
        RegressionTargets: r.ReadOptionalFloats("Batch.RegressionTargets"),
        ClassTargets: r.ReadOptionalInt64s("Batch.ClassTargets"),
        TokenTargets: r.ReadOptionalInt64s("Batch.TokenTargets"));
}
