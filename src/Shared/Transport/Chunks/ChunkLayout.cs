namespace AttnRnnCluster.Transport;

/// <summary>How a payload of <paramref name="TotalLength"/> bytes splits into chunks: all full but the last.</summary>
public readonly record struct ChunkLayout(int TotalLength, int ChunkSize)
{
    public int Count => (int)(((long)TotalLength + ChunkSize - 1) / ChunkSize);

    public int Offset(int index) => index * ChunkSize;

    public int Length(int index) => index == Count - 1 ? TotalLength - Offset(index) : ChunkSize;

    /// <summary>What is wrong with this layout, or null when a payload can travel in it.</summary>
    public string? Problem(long maxPayloadBytes) =>
        ChunkSize <= 0 ? $"chunk size {ChunkSize} is not positive"
        : TotalLength <= 0 ? $"total length {TotalLength} is not positive"
        : TotalLength > maxPayloadBytes ? $"total length {TotalLength} exceeds the limit of {maxPayloadBytes} bytes"
        : null;
}
