using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Protocol.Formats;

/// <summary>
/// Layout of the weight broadcast: a version, the slot table, then the flat values in the message's
/// <see cref="Messages.WeightsUpdate.Precision"/> (f32 or bf16), which their encoding byte carries.
/// </summary>
internal static class WeightsFormats
{
    /// <summary>A slot's smallest encoding: empty name, empty shape, offset.</summary>
    private const int MinSlotSize = 3 * sizeof(int);

    public static readonly MessageFormat WeightsUpdate = MessageFormat.Of<WeightsUpdate>("wu", 1,
        static (w, m) =>
        {
            w.WriteInt64(m.Version);
            WriteParameters(w, m.Weights, nameof(m.Weights), m.Precision);
        },
        static r =>
        {
            var version = r.ReadInt64(nameof(Messages.WeightsUpdate.Version));
            var weights = ReadParameters(r, nameof(Messages.WeightsUpdate.Weights), out var precision);
            return new WeightsUpdate(version, weights, precision);
        });

    private static void WriteParameters(WireWriter w, ParameterBuffer buffer, string field, WirePrecision precision)
    {
        w.WriteCount(w.Required(buffer, field).Slots, field + ".Slots");
        for (var i = 0; i < buffer.Slots.Length; i++)
        {
            var slot = w.Required(buffer.Slots[i], $"{field}.Slots[{i}]");
            w.WriteString(slot.Name, $"{field}.Slots[{i}].Name");
            w.WriteInt32s(slot.Shape, $"{field}.Slots[{i}].Shape");
            w.WriteInt32(slot.Offset);
        }
        w.WriteFloats(buffer.Values, field + ".Values", precision);
    }

    private static ParameterBuffer ReadParameters(WireReader r, string field, out WirePrecision precision)
    {
        var slots = new TensorSlot[r.ReadCount(field + ".Slots", MinSlotSize)];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = new TensorSlot(
                Name: r.ReadString($"{field}.Slots[{i}].Name"),
                Shape: r.ReadInt32s($"{field}.Slots[{i}].Shape"),
                Offset: r.ReadInt32($"{field}.Slots[{i}].Offset"));
        }
        return new ParameterBuffer(slots, r.ReadFloats(field + ".Values", out precision));
    }
}
