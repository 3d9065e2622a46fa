using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace AttnRnnCluster.Protocol.Wire;

/// <summary>
/// An Akka serializer made of <see cref="MessageFormat"/>s: hand-written little-endian layouts chosen by a short
/// manifest, each starting with its format version byte (docs/protocol.md). The training protocol and the transport
/// each have one, with a serializer id of their own, so neither can read (or be changed by) the other's messages.
/// Beside Akka's <see cref="ToBinary(object)"/> it can measure a message and encode it into a buffer the caller
/// recycles, which the transport uses for large payloads.
/// </summary>
public abstract class FormatSerializer : SerializerWithStringManifest
{
    /// <summary>Each actor system's format serializers by id (Akka makes every configured serializer when the system starts).</summary>
    private static readonly ConditionalWeakTable<ExtendedActorSystem, ConcurrentDictionary<int, FormatSerializer>> BySystem = new();

    private readonly string _what;
    private readonly FrozenDictionary<string, MessageFormat> _byManifest;
    private readonly FrozenDictionary<Type, MessageFormat> _byType;

    /// <param name="what">How errors name what it serializes: "protocol", "transport".</param>
    protected FormatSerializer(ExtendedActorSystem system, string what, IReadOnlyList<MessageFormat> formats) : base(system)
    {
        _what = what;
        _byManifest = formats.ToFrozenDictionary(f => f.Manifest);
        _byType = formats.ToFrozenDictionary(f => f.Type);
        BySystem.GetOrCreateValue(system).TryAdd(Identifier, this);
    }

    /// <summary>
    /// The format serializer of <paramref name="system"/> with id <paramref name="serializerId"/>; null when there is
    /// none (an id a peer named that belongs to another serializer, Akka's JSON one say, or to nothing).
    /// </summary>
    public static FormatSerializer? Find(ExtendedActorSystem system, int serializerId) =>
        BySystem.TryGetValue(system, out var serializers) && serializers.TryGetValue(serializerId, out var serializer) ? serializer : null;

    public override string Manifest(object o) => FormatOf(o).Manifest;

    public override byte[] ToBinary(object obj)
    {
        var format = FormatOf(obj);
        var buffer = GC.AllocateUninitializedArray<byte>(EncodedSize(format, obj));
        // Measured and written by the same code, so the buffer fits exactly.
        format.Write(WireWriter.Into(buffer, format.Description), obj);
        return buffer;
    }

    /// <summary>
    /// Encodes <paramref name="message"/> into <paramref name="buffer"/> (a recycled one, whose memory is already
    /// mapped: a fresh 64 MB array costs more in page faults than the encoding itself), which must be exactly
    /// <see cref="EncodedSize(object)"/> bytes long.
    /// </summary>
    public void ToBinary(object message, byte[] buffer)
    {
        var format = FormatOf(message);
        var writer = WireWriter.Into(buffer, format.Description);
        format.Write(writer, message);
        if (writer.Position != buffer.Length)
            throw new ArgumentException($"{format.Description} takes {writer.Position} bytes, the buffer has {buffer.Length}", nameof(buffer));
    }

    /// <summary>The exact length <see cref="ToBinary(object)"/> would return, without copying any array.</summary>
    public int EncodedSize(object message) => EncodedSize(FormatOf(message), message);

    /// <summary>
    /// Writes <paramref name="message"/> at <paramref name="writer"/>'s position, <see cref="EncodedSize(object)"/>
    /// bytes: a message inside a larger frame (a lane's), with no buffer of its own to copy from.
    /// </summary>
    public void WriteTo(WireWriter writer, object message) => FormatOf(message).Write(writer, message);

    public override object FromBinary(byte[] bytes, string manifest) => Decode(bytes, manifest, out _);

    /// <summary>
    /// Decodes <paramref name="borrowed"/>, memory its caller reuses once this returns (a lane's frame buffer): most
    /// formats copy what they read, and are decoded from it directly; a message that keeps a slice of its input (a
    /// chunk's bytes) is decoded again from a copy of its own.
    /// </summary>
    public object FromBorrowed(ReadOnlyMemory<byte> borrowed, string manifest)
    {
        var message = Decode(borrowed, manifest, out var sharesInput);
        return sharesInput ? Decode(borrowed.ToArray(), manifest, out _) : message;
    }

    private object Decode(ReadOnlyMemory<byte> bytes, string manifest, out bool sharesInput)
    {
        if (!_byManifest.TryGetValue(manifest, out var format))
            throw new SerializationException(
                $"Unknown {_what} manifest '{manifest}' ({bytes.Length} bytes): the sender speaks a protocol this node does not know. Known: {string.Join(", ", _byManifest.Keys.Order())}.");
        var reader = new WireReader(bytes, format.Description, system);
        var message = format.Read(reader);
        sharesInput = reader.SharesInput;
        return message;
    }

    private int EncodedSize(MessageFormat format, object message)
    {
        var measuring = WireWriter.Measuring(format.Description);
        format.Write(measuring, message);
        return measuring.Position;
    }

    private MessageFormat FormatOf(object message) =>
        _byType.TryGetValue(message.GetType(), out var format)
            ? format
            : throw new SerializationException($"{message.GetType().FullName} has no {_what} wire format: add one to {GetType().Name}'s formats.");

    /// <summary>"Namespace.Type, Assembly": the form Akka's config names types in.</summary>
    public static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
