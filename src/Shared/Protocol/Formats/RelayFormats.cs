using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Protocol.Formats;

/// <summary>Layouts of the chain data plane's messages (<see cref="DataPlane.Chain"/>).</summary>
internal static class RelayFormats
{
    public static readonly MessageFormat StepPlan = MessageFormat.Of<StepPlan>("rp", 2,
        static (w, m) =>
        {
            w.WriteInt64(m.Version);
            w.WriteInt32(m.Attempt);
            w.WriteInt32(m.ParameterCount);
            w.WriteInt32(m.SegmentLength);
            w.WriteInt32(w.Required(m.Parts, nameof(m.Parts)).Length);
            foreach (var part in m.Parts)
            {
                w.WriteInt32(part.Hop);
                w.WriteInt32s(part.Shards, nameof(part.Shards));
                w.WriteActorRef(part.SumFrom, nameof(part.SumFrom));
                w.WriteActorRef(w.Required(part.SumTo, nameof(part.SumTo)), nameof(part.SumTo));
            }
            w.WriteActorRef(m.WeightsFrom, nameof(m.WeightsFrom));
            w.WriteActorRef(m.WeightsTo, nameof(m.WeightsTo));
            w.WriteFlag(m.Complete);
        },
        static r => new StepPlan(
            Version: r.ReadInt64(nameof(Messages.StepPlan.Version)),
            Attempt: r.ReadInt32(nameof(Messages.StepPlan.Attempt), 0, int.MaxValue),
            ParameterCount: r.ReadInt32(nameof(Messages.StepPlan.ParameterCount), 0, int.MaxValue),
            SegmentLength: r.ReadInt32(nameof(Messages.StepPlan.SegmentLength), 1, Messages.StepPlan.MaxSegmentLength),
            Parts: ReadParts(r),
            WeightsFrom: r.ReadActorRef(nameof(Messages.StepPlan.WeightsFrom)),
            WeightsTo: r.ReadActorRef(nameof(Messages.StepPlan.WeightsTo)),
            Complete: r.ReadFlag(nameof(Messages.StepPlan.Complete))));

    public static readonly MessageFormat SumSegment = MessageFormat.Of<SumSegment>("ss", 1,
        static (w, m) =>
        {
            w.WriteInt64(m.Version);
            w.WriteInt32(m.Attempt);
            w.WriteInt32(m.Hop);
            w.WriteInt32(m.Offset);
            w.WriteFloats(m.Values, nameof(m.Values), WirePrecision.F32);
        },
        static r => new SumSegment(
            Version: r.ReadInt64(nameof(Messages.SumSegment.Version)),
            Attempt: r.ReadInt32(nameof(Messages.SumSegment.Attempt), 0, int.MaxValue),
            Hop: r.ReadInt32(nameof(Messages.SumSegment.Hop), 0, Messages.StepPlan.MaxParts * 16),
            Offset: r.ReadInt32(nameof(Messages.SumSegment.Offset), 0, int.MaxValue),
            Values: ReadExactFloats(r, nameof(Messages.SumSegment.Values))));

    public static readonly MessageFormat WeightsSegment = MessageFormat.Of<WeightsSegment>("ws", 1,
        static (w, m) =>
        {
            w.WriteInt64(m.Version);
            w.WriteInt32(m.Offset);
            w.WriteFloats(m.Values, nameof(m.Values), m.Precision);
        },
        static r =>
        {
            var version = r.ReadInt64(nameof(Messages.WeightsSegment.Version));
            var offset = r.ReadInt32(nameof(Messages.WeightsSegment.Offset), 0, int.MaxValue);
            var values = r.ReadSegmentFloats(nameof(Messages.WeightsSegment.Values), out var precision);
            if (values.Length > Messages.StepPlan.MaxSegmentLength) throw r.Malformed(nameof(Messages.WeightsSegment.Values), $"has {values.Length} values, at most {Messages.StepPlan.MaxSegmentLength} in a segment");
            return new WeightsSegment(version, offset, values, precision);
        });

    public static readonly MessageFormat RelayDone = MessageFormat.Of<RelayDone>("rd", 1,
        static (w, m) =>
        {
            w.WriteInt64(m.Version);
            w.WriteInt32(m.Attempt);
            w.WriteByte((byte)m.Stage);
            w.WriteInt32(m.Hop);
        },
        static r => new RelayDone(
            Version: r.ReadInt64(nameof(Messages.RelayDone.Version)),
            Attempt: r.ReadInt32(nameof(Messages.RelayDone.Attempt), 0, int.MaxValue),
            Stage: r.ReadEnum<RelayStage>(nameof(Messages.RelayDone.Stage)),
            Hop: r.ReadInt32(nameof(Messages.RelayDone.Hop), -1, int.MaxValue)));

    private static RelayPart[] ReadParts(WireReader r)
    {
        var parts = new RelayPart[r.ReadInt32(nameof(Messages.StepPlan.Parts), 0, Messages.StepPlan.MaxParts)];
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = new RelayPart(
                Hop: r.ReadInt32($"Parts[{i}].Hop", 0, int.MaxValue),
                Shards: r.ReadInt32s($"Parts[{i}].Shards"),
                SumFrom: r.ReadActorRef($"Parts[{i}].SumFrom"),
                SumTo: r.ReadActorRef($"Parts[{i}].SumTo") ?? throw r.Malformed($"Parts[{i}].SumTo", "is empty: a hop sends its sum somewhere"));
        }
        return parts;
    }

    /// <summary>A segment of the running sum: float32 only (the sum is never rounded), and at most a segment's length.</summary>
    private static float[] ReadExactFloats(WireReader r, string field)
    {
        var values = r.ReadSegmentFloats(field, out var precision);
        if (precision != WirePrecision.F32) throw r.Malformed(field, $"came in {precision.Name()}; the running sum travels in f32");
        if (values.Length > Messages.StepPlan.MaxSegmentLength) throw r.Malformed(field, $"has {values.Length} values, at most {Messages.StepPlan.MaxSegmentLength} in a segment");
        return values;
    }
}
