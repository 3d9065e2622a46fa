using Akka.Actor;

namespace AttnRnnCluster.Hosting.Guards;

/// <summary>
/// What a guard serializer returns instead of a message this node refuses to decode (Akka's JSON, a PoisonPill from
/// another node, a remote Terminate, …). Akka.Remote dispatches it like any message; being possibly harmful, untrusted
/// mode drops it before any actor sees it (and an actor that did would not handle it). Returned rather than thrown,
/// because Akka.Remote logs a failed decoding with its stack trace, every time, and a failed system message would
/// break the association's reliable delivery.
/// </summary>
public sealed record RefusedInboundMessage(int SerializerId, string Manifest) : IPossiblyHarmful, INoSerializationVerificationNeeded;
