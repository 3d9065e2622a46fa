using Akka.Actor;
using Akka.Configuration;
using AttnRnnCluster.Shared.Serialization;

namespace AttnRnnCluster.Shared.Tests.Serialization;

/// <summary>A local actor system configured with <see cref="WireConfig"/>, shared by a test class.</summary>
public sealed class WireSystemFixture : IDisposable
{
    public WireSystemFixture()
    {
        System = (ExtendedActorSystem)ActorSystem.Create("wire-tests",
            WireConfig.Create().WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING")));
        SomeActor = System.ActorOf(Props.Empty, "some-actor");
    }

    public ExtendedActorSystem System { get; }

    /// <summary>A live actor for messages that carry references.</summary>
    public IActorRef SomeActor { get; }

    public ProtocolSerializer Serializer(WirePrecision precision) => new(System, precision);

    public void Dispose() => System.Terminate().Wait(TimeSpan.FromSeconds(10));
}
