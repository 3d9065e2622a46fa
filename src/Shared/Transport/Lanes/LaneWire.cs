using System.Buffers;
using System.Buffers.Binary;
using Akka.Actor;
using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Transport;

/// <summary>
/// A message lane's bytes on one TCP connection to the receiving node's bulk server. The sending node opens it with a
/// request of the bulk channel's layout (4 ASCII bytes of magic, then 8 zero bytes, then the <see cref="LaneInvitation"/>'s
/// token) and the server answers one status byte, <see cref="BulkWire.Ready"/> or <see cref="BulkWire.Unknown"/>. Then
/// frames flow one way, each an int32 little-endian body length and a body: the recipient's and the sender's actor
/// paths, the serializer id and manifest, and the message's bytes as that serializer wrote them
/// (<see cref="CarriedSerializers"/>).
/// <list type="bullet">
/// <item><c>"ATL2"</c>: the frames go as they are, on the connection (in TLS when the request came in TLS). A cluster
/// without TLS (<c>--insecure</c>) opens these.</item>
/// <item><c>"ATL3"</c>, sealed (a cluster with TLS): only in TLS. The request is followed by a
/// <see cref="LaneSeal.KeyLength"/>-byte key, and once the server has answered Ready in TLS, both ends leave TLS
/// and each frame goes on the bare connection sealed with that key: its body encrypted in place, then a
/// <see cref="LaneSeal.TagLength"/>-byte tag (<see cref="LaneSeal"/>). Neither end writes anything else in TLS after
/// the answer, so no TLS record is left between the frames. After <c>lane-key-size</c> bytes the sender sends the
/// next key in a frame of its own (<see cref="NextKeyPrefix"/>), on the same connection, so no frame changes order.</item>
/// </list>
/// "ATL1" lanes (no serializer id) are refused: their node speaks an older transport.
/// </summary>
public static class LaneWire
{
    public const int LengthPrefix = sizeof(int);

    /// <summary>
    /// On a sealed lane, the length prefix of a frame that carries the lane's next key instead of a message: its body is
    /// the key (<see cref="LaneSeal.KeyLength"/> bytes), sealed under the current one like any frame; every frame after
    /// it is sealed under the new key, its count of frames starting again at 0. No message frame has this length.
    /// </summary>
    public const int NextKeyPrefix = 0;

    private const string FrameName = "lane frame";

    private static ReadOnlySpan<byte> Magic => "ATL2"u8;

    private static ReadOnlySpan<byte> SealedMagic => "ATL3"u8;

    /// <summary>The request of a lane whose frames go as they are.</summary>
    public static byte[] Request(ReadOnlySpan<byte> token) => Request(Magic, token, []);

    /// <summary>The request of a sealed lane, its key after it: to be written only in TLS.</summary>
    public static byte[] SealedRequest(ReadOnlySpan<byte> token, ReadOnlySpan<byte> key)
    {
        if (key.Length != LaneSeal.KeyLength)
            throw new ArgumentException($"a lane key has {LaneSeal.KeyLength} bytes, not {key.Length}", nameof(key));
        return Request(SealedMagic, token, key);
    }

    /// <summary>
    /// False when <paramref name="request"/> is not a lane request (it may still be a bulk fetch). <paramref name="sealed"/>:
    /// a sealed lane, whose key (<see cref="LaneSeal.KeyLength"/> bytes) follows the request.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> request, out ReadOnlySpan<byte> token, out bool @sealed)
    {
        token = default;
        @sealed = false;
        if (request.Length != BulkWire.RequestLength || !(request.StartsWith(SealedMagic) || request.StartsWith(Magic)))
            return false;
        @sealed = request.StartsWith(SealedMagic);
        token = request.Slice(BulkWire.RequestLength - BulkWire.TokenLength);
        return true;
    }

    private static byte[] Request(ReadOnlySpan<byte> magic, ReadOnlySpan<byte> token, ReadOnlySpan<byte> key)
    {
        if (token.Length != BulkWire.TokenLength)
            throw new ArgumentException($"a token has {BulkWire.TokenLength} bytes, not {token.Length}", nameof(token));
        var request = new byte[BulkWire.RequestLength + key.Length];
        magic.CopyTo(request);
        token.CopyTo(request.AsSpan(BulkWire.RequestLength - BulkWire.TokenLength));
        key.CopyTo(request.AsSpan(BulkWire.RequestLength));
        return request;
    }

    /// <summary>
    /// One frame, length prefix included, ready for a single write, in a buffer rented from the shared pool (return it
    /// once written): <paramref name="message"/>
    /// (<paramref name="size"/> bytes, as <paramref name="serializer"/> measured it) is encoded straight into the frame,
    /// so a large message costs one buffer that is used again, not a new one for its bytes and another for the frame.
    /// The buffer has room for a sealed lane's tag after the frame (<see cref="LaneSeal.TagLength"/> bytes).
    /// </summary>
    public static RentedFrame Frame(IActorRef recipient, IActorRef? sender, FormatSerializer serializer, object message, int size)
    {
        var manifest = serializer.Manifest(message);
        var measuring = WireWriter.Measuring(FrameName);
        WriteHeader(measuring, recipient, sender, serializer.Identifier, manifest, size);
        int body = checked(measuring.Position + size);
        var buffer = ArrayPool<byte>.Shared.Rent(LengthPrefix + body + LaneSeal.TagLength);
        try
        {
            var writer = WireWriter.Into(buffer, FrameName);
            writer.WriteInt32(body);
            WriteHeader(writer, recipient, sender, serializer.Identifier, manifest, size);
            int start = writer.Position;
            serializer.WriteTo(writer, message);
            if (writer.Position - start != size)
                throw new InvalidOperationException($"{message.GetType().Name} took {writer.Position - start} bytes, measured {size}");
            return new RentedFrame(buffer, LengthPrefix + body);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>The body length a frame's prefix announces; an error when it is not 1..<paramref name="maxBody"/>.</summary>
    public static int BodyLength(ReadOnlySpan<byte> prefix, int maxBody)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        if (length < 1 || length > maxBody)
            throw new InvalidDataException($"a {FrameName} announces {length} bytes, expected 1..{maxBody} (a message below the bulk threshold and its headers)");
        return length;
    }

    /// <summary>Decodes a frame's body: its recipient (resolved on this node), message and sender.</summary>
    /// <exception cref="System.Runtime.Serialization.SerializationException">The body is malformed, or names a serializer or manifest this node does not decode.</exception>
    public static (IActorRef Recipient, object Message, IActorRef? Sender) ReadBody(ReadOnlyMemory<byte> body, ExtendedActorSystem system)
    {
        var reader = new WireReader(body, FrameName, system);
        var recipient = reader.ReadActorRef("Recipient") ?? throw reader.Malformed("Recipient", "is empty, expected an actor path");
        var sender = reader.ReadActorRef("Sender");
        var serializerId = reader.ReadInt32("SerializerId");
        var manifest = reader.ReadString("Manifest");
        var payload = reader.ReadBytes("Message");
        reader.ExpectEnd();
        // The caller reuses the body's buffer: decoded from it without a copy unless the message keeps a slice of it.
        var message = CarriedSerializers.DecodeBorrowed(system, serializerId, manifest, payload);
        return (recipient, message, sender);
    }

    /// <summary>The body up to the message's bytes: its paths, serializer, manifest and the bytes' length.</summary>
    private static void WriteHeader(WireWriter writer, IActorRef recipient, IActorRef? sender, int serializerId, string manifest, int messageBytes)
    {
        writer.WriteActorRef(recipient, "Recipient");
        writer.WriteActorRef(sender, "Sender");
        writer.WriteInt32(serializerId);
        writer.WriteString(manifest, "Manifest");
        writer.WriteInt32(messageBytes);
    }
}
