namespace AttnRnnCluster.Protocol.Wire;

/// <summary>
/// How weights and gradients travel. <see cref="Bf16"/> halves their bytes but keeps only 8 mantissa bits of
/// every value, so a run that uses it no longer matches an f32 run bit for bit. Batches always travel exactly.
/// </summary>
public enum WirePrecision
{
    F32,
    Bf16,
}

public static class WirePrecisionNames
{
    /// <summary>Reads "f32" or "bf16" (any case); anything else is an error naming <paramref name="option"/>.</summary>
    public static WirePrecision Parse(string text, string option) => text.Trim().ToLowerInvariant() switch
    {
        "f32" => WirePrecision.F32,
        "bf16" => WirePrecision.Bf16,
        _ => throw new ArgumentException($"{option} = '{text}': expected f32 or bf16.", nameof(text)),
    };

    public static string Name(this WirePrecision precision) => precision switch
    {
        WirePrecision.F32 => "f32",
        WirePrecision.Bf16 => "bf16",
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };
}
