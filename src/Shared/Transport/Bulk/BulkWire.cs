using System.Buffers.Binary;

namespace AttnRnnCluster.Transport;

/// <summary>
/// The bulk channel's bytes on one TCP connection (inside TLS when the cluster uses it). The receiver asks:
/// <c>"ATB1"</c> (4 ASCII bytes), the transfer id (int64, little-endian), the offer's token (16 bytes). The sender's
/// bulk server answers one status byte: <see cref="Ready"/> followed by exactly the offer's TotalLength payload
/// bytes, or <see cref="Unknown"/> (no such offer, a wrong token, or already taken) and closes. Length and
/// checksum travel in the <see cref="PayloadOffer"/>, so the stream itself carries nothing else.
/// </summary>
public static class BulkWire
{
    public const int TokenLength = 16;
    public const int RequestLength = 4 + sizeof(long) + TokenLength;
    public const byte Ready = 1;
    public const byte Unknown = 2;

    private static ReadOnlySpan<byte> Magic => "ATB1"u8;

    public static byte[] Request(long transferId, ReadOnlySpan<byte> token)
    {
        if (token.Length != TokenLength)
            throw new ArgumentException($"a token has {TokenLength} bytes, not {token.Length}", nameof(token));
        var request = new byte[RequestLength];
        Magic.CopyTo(request);
        BinaryPrimitives.WriteInt64LittleEndian(request.AsSpan(Magic.Length), transferId);
        token.CopyTo(request.AsSpan(Magic.Length + sizeof(long)));
        return request;
    }

    /// <summary>False when <paramref name="request"/> does not start with the magic: the client is not a receiver.</summary>
    public static bool TryRead(ReadOnlySpan<byte> request, out long transferId, out ReadOnlySpan<byte> token)
    {
        transferId = 0;
        token = default;
        if (request.Length != RequestLength || !request.StartsWith(Magic))
            return false;
        transferId = BinaryPrimitives.ReadInt64LittleEndian(request.Slice(Magic.Length));
        token = request.Slice(Magic.Length + sizeof(long));
        return true;
    }
}
