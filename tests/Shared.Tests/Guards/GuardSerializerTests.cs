using Akka.Actor;
using Akka.Dispatch.SysMsg;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Hosting.Guards;

namespace AttnRnnCluster.Shared.Tests.Guards;

/// <summary>
/// The serializers of a cluster node's config (<see cref="InboundGuards"/>), called as Akka.Remote calls them: what a
/// peer may not send decodes to a <see cref="RefusedInboundMessage"/>, what a node needs decodes as Akka would, and
/// nothing of ours can be sent with a refused serializer.
/// </summary>
public sealed class GuardSerializerTests(GuardSerializerTests.ClusterNodeSystem node) : IClassFixture<GuardSerializerTests.ClusterNodeSystem>
{
    private readonly ExtendedActorSystem _system = node.System;

    /// <summary>One actor system with a cluster node's config (on a free loopback port, never joined), shared by the class.</summary>
    public sealed class ClusterNodeSystem : IDisposable
    {
        public ExtendedActorSystem System { get; } = (ExtendedActorSystem)NodeConfig.Create(
            NodeConfig.ClusterNode(new ClusterNodeConfig("worker", "127.0.0.1", 0, null, [])));

        public void Dispose() => System.Terminate().Wait(TimeSpan.FromSeconds(20));
    }

    [Theory]
    [InlineData(1, null)]
    [InlineData(1, "")]
    [InlineData(1, "System.IO.FileInfo, System.IO.FileSystem")]
    [InlineData(2, "Google.Protobuf.WellKnownTypes.Any, Google.Protobuf")]
    [InlineData(3, "")]
    [InlineData(4, "")]
    [InlineData(16, "PP")]
    [InlineData(16, "K")]
    [InlineData(16, "STF")]
    [InlineData(22, "Akka.Dispatch.SysMsg.Terminate, Akka")]
    [InlineData(22, "Akka.Dispatch.SysMsg.Suspend, Akka")]
    public void A_frame_a_node_refuses_decodes_to_a_refusal(int serializerId, string? manifest)
    {
        var decoded = _system.Serialization.Deserialize("""{"$type":"System.IO.FileInfo, System.IO.FileSystem"}"""u8.ToArray(), serializerId, manifest);

        Assert.Equal(new RefusedInboundMessage(serializerId, serializerId == 22 ? manifest!.Split(',')[0].Split('.')[^1] : manifest ?? ""), decoded);
    }

    [Fact]
    public void What_a_node_needs_from_another_decodes_as_Akka_would()
    {
        var identify = new Identify("marker");
        var watch = new Watch((IInternalActorRef)_system.DeadLetters, (IInternalActorRef)_system.DeadLetters);

        Assert.Equal(identify.MessageId, Assert.IsType<Identify>(RoundTrip(identify)).MessageId);
        Assert.Equal(watch.Watchee, Assert.IsType<Watch>(RoundTrip(watch)).Watchee);
    }

    [Fact]
    public void Nothing_can_be_sent_with_Akkas_JSON_or_byte_array_serializer()
    {
        // System.Object is where Akka binds JSON, as the fallback for any type.
        var json = _system.Serialization.FindSerializerForType(typeof(object));
        var bytes = _system.Serialization.FindSerializerFor(new byte[] { 1 });

        var jsonError = Assert.Throws<InvalidOperationException>(() => json.ToBinary(new Uri("http://localhost")));
        var bytesError = Assert.Throws<InvalidOperationException>(() => bytes.ToBinary(new byte[] { 1 }));

        Assert.IsType<RefusedJsonSerializer>(json);
        Assert.Contains("Uri would be sent with Akka's JSON serializer (serializer 1), which this node refuses", jsonError.Message);
        Assert.IsType<RefusedBytesSerializer>(bytes);
        Assert.Contains("(serializer 4), which this node refuses", bytesError.Message);
    }

    private object RoundTrip(object message)
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        return _system.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, message));
    }
}
