namespace AttnRnnCluster.Protocol.Wire;

/// <summary>The byte that follows a float array's count on the wire and says how its values are stored.</summary>
public enum FloatEncoding : byte
{
    Float32 = 0,
    BFloat16 = 1,
}
