namespace AttnRnnCluster.Protocol.Wire;

/// <summary>
/// How a float array marked as a tensor (weights, a gradient) travels: a property of each message that carries one,
/// set by its sender. <see cref="Bf16"/> halves the bytes but keeps only 8 significant bits of every value, so a run
/// that uses it no longer matches an f32 run bit for bit. Batches always travel exactly.
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

    /// <summary>The encoding byte an array in <paramref name="precision"/> is written with.</summary>
    public static FloatEncoding Encoding(this WirePrecision precision) => precision switch
    {
        WirePrecision.F32 => FloatEncoding.Float32,
        WirePrecision.Bf16 => FloatEncoding.BFloat16,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    /// <summary>The precision an array read with <paramref name="encoding"/> travelled in.</summary>
    public static WirePrecision Precision(this FloatEncoding encoding) => encoding switch
    {
        FloatEncoding.Float32 => WirePrecision.F32,
        FloatEncoding.BFloat16 => WirePrecision.Bf16,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, null),
    };

    public static string Name(this WirePrecision precision) => precision switch
    {
        WirePrecision.F32 => "f32",
        WirePrecision.Bf16 => "bf16",
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };
}
