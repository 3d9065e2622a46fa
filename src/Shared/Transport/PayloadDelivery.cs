using Akka.Actor;

namespace AttnRnnCluster.Transport;

/// <summary>The last step of every transfer, chunked or bulk: a verified payload decoded and handed to its local recipient.</summary>
internal static class PayloadDelivery
{
    /// <summary>Null when the header's recipient lives on this node (the only place a payload may be delivered).</summary>
    public static string? RecipientProblem(PayloadHeader header) =>
        header.Recipient is IActorRefScope { IsLocal: true } ? null : $"recipient {header.Recipient} is not on this node";

    /// <summary>The message in <paramref name="payload"/> (decoded with the header's serializer and manifest), or null and why not. Thread-safe.</summary>
    public static object? Decode(ExtendedActorSystem system, PayloadHeader header, byte[] payload, out string? problem)
    {
        try
        {
            problem = null;
            return CarriedSerializers.Decode(system, header.SerializerId, header.Manifest, payload);
        }
        catch (Exception e)
        {
            problem = $"the payload does not decode: {e.Message}";
            return null;
        }
    }

    /// <summary>Tells the message to the header's recipient as if from the original sender.</summary>
    public static void Deliver(PayloadHeader header, object message) => header.Recipient.Tell(message, header.ReplyTo);
}
