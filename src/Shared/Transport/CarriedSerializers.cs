using System.Runtime.Serialization;
using Akka.Actor;
using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Transport;

/// <summary>
/// The serializers the transport carries messages of: <see cref="FormatSerializer"/>s only. It sends only what such a
/// serializer wrote, and decodes only with one: a peer that names another serializer (Akka's JSON one, say) is
/// refused, not obeyed.
/// </summary>
public static class CarriedSerializers
{
    /// <summary>The serializer Akka binds <paramref name="message"/> to; the transport sends nothing else.</summary>
    public static FormatSerializer SerializerFor(Akka.Serialization.Serialization serialization, object message) =>
        serialization.FindSerializerFor(message) as FormatSerializer
        ?? throw new InvalidOperationException(
            $"{message.GetType().Name} is not bound to a {nameof(FormatSerializer)}: build the actor system's config with the node's wire config.");

    /// <summary>Decodes bytes that came from another node, with <paramref name="serializerId"/> only if that is a <see cref="FormatSerializer"/>.</summary>
    /// <exception cref="SerializationException">An unknown or forbidden serializer, an unknown manifest, or malformed bytes.</exception>
    public static object Decode(ExtendedActorSystem system, int serializerId, string manifest, byte[] bytes) =>
        Carried(system, serializerId).FromBinary(bytes, manifest);

    /// <summary>As <see cref="Decode"/>, from memory the caller reuses once this returns (<see cref="FormatSerializer.FromBorrowed"/>).</summary>
    public static object DecodeBorrowed(ExtendedActorSystem system, int serializerId, string manifest, ReadOnlyMemory<byte> borrowed) =>
        Carried(system, serializerId).FromBorrowed(borrowed, manifest);

    private static FormatSerializer Carried(ExtendedActorSystem system, int serializerId) =>
        FormatSerializer.Find(system, serializerId)
        ?? throw new SerializationException($"serializer {serializerId} is not one the transport carries (only the protocol's and its own)");
}
