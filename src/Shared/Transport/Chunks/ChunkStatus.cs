namespace AttnRnnCluster.Transport;

/// <summary>What became of one received chunk.</summary>
public enum ChunkStatus
{
    /// <summary>Stored; more chunks are due.</summary>
    Accepted,

    /// <summary>Already had this index; the first copy stands (the checksum guards the result).</summary>
    Duplicate,

    /// <summary>Stored, and it was the last: length and checksum verified, the payload is ready.</summary>
    Completed,

    /// <summary>The transfer is corrupt and dropped; <see cref="ChunkReceipt.Problem"/> says why.</summary>
    Rejected,

    /// <summary>The transfer already completed or was rejected; a straggling chunk is dropped quietly.</summary>
    Ignored,
}

/// <summary>The outcome of one chunk, with the problem of a rejected transfer or the payload of a completed one.</summary>
public sealed record ChunkReceipt(ChunkStatus Status, string? Problem = null, byte[]? Payload = null)
{
    public static readonly ChunkReceipt Accepted = new(ChunkStatus.Accepted);
    public static readonly ChunkReceipt Duplicate = new(ChunkStatus.Duplicate);
    public static readonly ChunkReceipt Ignored = new(ChunkStatus.Ignored);

    public static ChunkReceipt Rejected(string problem) => new(ChunkStatus.Rejected, problem);
}
