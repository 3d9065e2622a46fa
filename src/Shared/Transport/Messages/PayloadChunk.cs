namespace AttnRnnCluster.Transport;

/// <summary>
/// Sending node's transfer actor → receiving node's <c>payload-receiver</c>: bytes
/// [Index × ChunkSize, +Bytes.Length) of a serialized message too large to send whole.
/// </summary>
public sealed record PayloadChunk(PayloadHeader Header, int Index, ReadOnlyMemory<byte> Bytes) : ITransportMessage;
