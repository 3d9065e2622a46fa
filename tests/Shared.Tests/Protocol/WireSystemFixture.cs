using Akka.Actor;
using Akka.Configuration;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Protocol.Formats;
using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Shared.Tests.Protocol;

/// <summary>A local actor system configured with the node's wire (<see cref="NodeConfig.Wire"/>), shared by a test class.</summary>
public sealed class WireSystemFixture : IDisposable
{
    public WireSystemFixture()
    {
        System = (ExtendedActorSystem)ActorSystem.Create("wire-tests",
            NodeConfig.Wire().WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING")));
        SomeActor = System.ActorOf(Props.Empty, "some-actor");
    }

    public ExtendedActorSystem System { get; }

    /// <summary>A live actor for messages that carry references.</summary>
    public IActorRef SomeActor { get; }

    public ProtocolSerializer Serializer() => new(System);

    /// <summary>The serializer the system binds <paramref name="message"/> to: the protocol's or the transport's.</summary>
    public FormatSerializer SerializerFor(object message) => (FormatSerializer)System.Serialization.FindSerializerFor(message);

    public void Dispose() => System.Terminate().Wait(TimeSpan.FromSeconds(10));
}
