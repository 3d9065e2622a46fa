using System.Runtime.Serialization;
using Akka.Actor;
using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Transport;

/// <summary>
/// A message as its <see cref="FormatSerializer"/> encoded it: the serializer's id and the manifest the receiving
/// node decodes it with, and its bytes. The transport carries only what such a serializer wrote, and decodes only
/// with one: a peer that names another serializer (Akka's JSON one, say) is refused, not obeyed.
/// </summary>
public sealed record EncodedMessage(int SerializerId, string Manifest, byte[] Bytes)
{
    /// <summary>Encodes <paramref name="message"/> with the serializer Akka binds it to, which must be a <see cref="FormatSerializer"/>.</summary>
    public static EncodedMessage Of(object message, FormatSerializer serializer) =>
        new(serializer.Identifier, serializer.Manifest(message), serializer.ToBinary(message));

    /// <summary>The serializer Akka binds <paramref name="message"/> to; the transport sends nothing else.</summary>
    public static FormatSerializer SerializerFor(Akka.Serialization.Serialization serialization, object message) =>
        serialization.FindSerializerFor(message) as FormatSerializer
        ?? throw new InvalidOperationException(
            $"{message.GetType().Name} is not bound to a {nameof(FormatSerializer)}: build the actor system's config with the node's wire config.");

    /// <summary>Decodes bytes that came from another node, with <paramref name="serializerId"/> only if that is a <see cref="FormatSerializer"/>.</summary>
    /// <exception cref="SerializationException">An unknown or forbidden serializer, an unknown manifest, or malformed bytes.</exception>
    public static object Decode(ExtendedActorSystem system, int serializerId, string manifest, byte[] bytes) =>
        (FormatSerializer.Find(system, serializerId)
         ?? throw new SerializationException($"serializer {serializerId} is not one the transport carries (only the protocol's and its own)"))
        .FromBinary(bytes, manifest);
}
