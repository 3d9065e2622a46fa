using System.Buffers;
using System.Buffers.Binary;
using Akka.Actor;
using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Transport;

/// <summary>
/// A message lane's bytes on one TCP connection to the receiving node's bulk server (inside TLS when the cluster
/// uses it). The sending node opens it with a request of the bulk channel's layout under the magic <c>"ATL2"</c>
/// (4 ASCII bytes, then 8 zero bytes, then the <see cref="LaneInvitation"/>'s token) and the server answers one status
/// byte, <see cref="BulkWire.Ready"/> or <see cref="BulkWire.Unknown"/>. Then frames flow one way, each an int32
/// little-endian body length and a body: the recipient's and the sender's actor paths, the serializer id and manifest,
/// and the message's bytes as that serializer wrote them (<see cref="CarriedSerializers"/>). "ATL1" lanes (no serializer
/// id) are refused: their node speaks an older transport.
/// </summary>
public static class LaneWire
{
    public const int LengthPrefix = sizeof(int);

    private const string FrameName = "lane frame";

    private static ReadOnlySpan<byte> Magic => "ATL2"u8;

    public static byte[] Request(ReadOnlySpan<byte> token)
    {
        if (token.Length != BulkWire.TokenLength)
            throw new ArgumentException($"a token has {BulkWire.TokenLength} bytes, not {token.Length}", nameof(token));
        var request = new byte[BulkWire.RequestLength];
        Magic.CopyTo(request);
        token.CopyTo(request.AsSpan(BulkWire.RequestLength - BulkWire.TokenLength));
        return request;
    }

    /// <summary>False when <paramref name="request"/> is not a lane request (it may still be a bulk fetch).</summary>
    public static bool TryRead(ReadOnlySpan<byte> request, out ReadOnlySpan<byte> token)
    {
        token = default;
        if (request.Length != BulkWire.RequestLength || !request.StartsWith(Magic))
            return false;
        token = request.Slice(BulkWire.RequestLength - BulkWire.TokenLength);
        return true;
    }

    /// <summary>
    /// One frame, length prefix included, ready for a single write, in a buffer rented from the shared pool (return it
    /// once written): <paramref name="message"/>
    /// (<paramref name="size"/> bytes, as <paramref name="serializer"/> measured it) is encoded straight into the frame,
    /// so a large message costs one buffer that is used again, not a new one for its bytes and another for the frame.
    /// </summary>
    public static RentedFrame Frame(IActorRef recipient, IActorRef? sender, FormatSerializer serializer, object message, int size)
    {
        var manifest = serializer.Manifest(message);
        var measuring = WireWriter.Measuring(FrameName);
        WriteHeader(measuring, recipient, sender, serializer.Identifier, manifest, size);
        int body = checked(measuring.Position + size);
        var buffer = ArrayPool<byte>.Shared.Rent(LengthPrefix + body);
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
