using System.Buffers.Binary;
using System.Security.Cryptography;

namespace AttnRnnCluster.Transport;

/// <summary>
/// One direction of a sealed message lane (<see cref="LaneWire"/>, "ATL3"): each frame's body encrypted and
/// authenticated whole with AES-256-GCM under the lane's own key, the frame's length prefix as associated data, and a
/// 16-byte tag after the body. The key is random, made by the sending node for this one connection and sent to the
/// receiving node inside the lane's TLS session (mutually authenticated, as every connection of the cluster), so it
/// is never used on another connection, and for at most <see cref="BytesPerKey"/> (then the next key follows, sealed under it). The nonce is a count of the frames
/// sealed with it (0, 1, 2, ...; 4 zero bytes then the count, 8 bytes little-endian), kept by both ends and never
/// sent: a frame changed, repeated, reordered, or dropped before a later one fails to open, and the lane closes (frames
/// lost at the very end of a lane look like its close, as in TLS without close_notify; delivery is at most once).
/// <para>
/// Why not TLS for the frames themselves: .NET's <c>SslStream</c> on Linux moves every 16 KiB record through OpenSSL's
/// memory buffers, copying each byte in and out besides encrypting it; one AES-GCM call per frame, in place in the
/// frame's own buffer, does the same protection without those copies (the cipher TLS 1.3 negotiates here too).
/// </para>
/// Not thread-safe: the sending end seals under its lane's lock, the receiving end opens on the one thread reading.
/// </summary>
public sealed class LaneSeal : IDisposable
{
    public const int KeyLength = 32, TagLength = 16, NonceLength = 12;

    /// <summary>
    /// The most bytes a lane seals under one key before its sender sends the next key (<see cref="LaneWire.NextKeyPrefix"/>):
    /// 2^36 (64 GiB), below TLS 1.3's limit for AES-GCM (2^24.5 full records of 16 KiB, about 2^38.5 bytes, RFC 8446
    /// section 5.5), where TLS would update its key. At 1 Gbit/s a busy lane renews its key about every nine minutes.
    /// </summary>
    public const long BytesPerKey = 1L << 36;

    private readonly AesGcm _aes;
    private readonly byte[] _nonce = new byte[NonceLength];
    private ulong _frames;

    public LaneSeal(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeyLength)
            throw new ArgumentException($"a lane key has {KeyLength} bytes, not {key.Length}", nameof(key));
        _aes = new AesGcm(key, TagLength);
    }

    /// <summary>A fresh key for one lane connection.</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(KeyLength);

    /// <summary>Encrypts <paramref name="body"/> in place and writes its tag; <paramref name="prefix"/> (the frame's length) is authenticated.</summary>
    public void Seal(ReadOnlySpan<byte> prefix, Span<byte> body, Span<byte> tag)
    {
        NextNonce();
        _aes.Encrypt(_nonce, body, body, tag, prefix);
    }

    /// <summary>
    /// Seals a whole frame in place: <paramref name="buffer"/> holds its length prefix and body
    /// (<paramref name="frameLength"/> bytes) and room for the tag after them. Returns the sealed frame's length.
    /// </summary>
    public int SealFrame(byte[] buffer, int frameLength)
    {
        var frame = buffer.AsSpan();
        Seal(frame[..LaneWire.LengthPrefix], frame[LaneWire.LengthPrefix..frameLength], frame.Slice(frameLength, TagLength));
        return frameLength + TagLength;
    }

    /// <summary>Decrypts <paramref name="body"/> in place when it, its prefix and its tag are the next frame the sender sealed.</summary>
    /// <exception cref="InvalidDataException">They are not: changed, forged, or not in the order sealed.</exception>
    public void Open(ReadOnlySpan<byte> prefix, Span<byte> body, ReadOnlySpan<byte> tag)
    {
        NextNonce();
        try
        {
            _aes.Decrypt(_nonce, body, tag, body, prefix);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new InvalidDataException($"lane frame {_frames - 1} failed authentication (changed, forged, or out of order)");
        }
    }

    public void Dispose() => _aes.Dispose();

    private void NextNonce()
    {
        // 2^64 frames would take far longer than any run; a lane that got there must not reuse a nonce.
        if (_frames == ulong.MaxValue)
            throw new InvalidDataException("a sealed lane has used all its nonces");
        BinaryPrimitives.WriteUInt64LittleEndian(_nonce.AsSpan(NonceLength - sizeof(ulong)), _frames++);
    }
}
