using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Protocol.Formats;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Protocol;

public sealed class WireConfigTests
{
    private static readonly Config RemoteOnLoopback = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        """);

    [Fact]
    public void Protocol_messages_go_to_the_protocol_serializer_with_its_identifier()
    {
        using var system = ActorSystem.Create("wire-config", NodeConfig.Wire().WithFallback(RemoteOnLoopback));

        var serializer = system.Serialization.FindSerializerFor(new WorkerRefused("x"));

        Assert.Equal(ProtocolSerializer.SerializerId, serializer.Identifier);
        Assert.IsType<ProtocolSerializer>(serializer);
    }

    [Fact]
    public void Unregistered_types_are_refused_instead_of_falling_back_to_json()
    {
        using var system = ActorSystem.Create("wire-config", NodeConfig.Wire().WithFallback(RemoteOnLoopback));

        var error = Assert.Throws<SerializationException>(() => system.Serialization.FindSerializerFor(new Unregistered(1)));

        Assert.Contains(nameof(Unregistered), error.Message);
    }

    [Fact]
    public void Akka_own_messages_keep_their_built_in_serializers()
    {
        using var system = ActorSystem.Create("wire-config", NodeConfig.Wire().WithFallback(RemoteOnLoopback));
        const int newtonsoftJsonId = 1;

        foreach (var message in new object[] { new Identify(7), PoisonPill.Instance, new Status.Failure(new InvalidOperationException("x")), "text", 42 })
        {
            var serializer = system.Serialization.FindSerializerFor(message);
            Assert.NotEqual(newtonsoftJsonId, serializer.Identifier);
            Assert.NotEqual(ProtocolSerializer.SerializerId, serializer.Identifier);
        }
    }

    [Fact]
    public void A_frame_too_small_for_the_chunks_fails_startup_naming_both_options()
    {
        var config = ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.maximum-frame-size = 128000b")
            .WithFallback(NodeConfig.Wire(TransferSettings.Default with { ChunkSize = 256 * 1024 }))
            .WithFallback(RemoteOnLoopback);

        var error = Record.Exception(() =>
        {
            using var system = ActorSystem.Create("wire-config", config);
            PayloadTransport.Get(system);
        });

        Assert.NotNull(error);
        Assert.Contains("akka.remote.dot-netty.tcp.maximum-frame-size = 128000b is too small for attnrnn.transfer.chunk-size = 262144b", Flatten(error));
    }

    [Theory]
    [InlineData("chunk-size = 300KiB", "attnrnn.transfer.chunk-size = 307200b: expected 1024b..262144b")]
    [InlineData("chunk-size = 100b", "attnrnn.transfer.chunk-size = 100b: expected 1024b..262144b")]
    [InlineData("window = 0", "attnrnn.transfer.window = 0: expected at least 1")]
    [InlineData("timeout = 0s", "attnrnn.transfer.timeout = 00:00:00: expected a positive duration")]
    [InlineData("max-payload-size = 1KiB", "attnrnn.transfer.max-payload-size = 1024b: expected chunk-size..")]
    public void Bad_transfer_settings_are_errors_naming_the_key(string setting, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() =>
            TransferSettings.FromConfig(ConfigurationFactory.ParseString($"attnrnn.transfer.{setting}")));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Transfer_settings_survive_their_own_hocon()
    {
        var settings = new TransferSettings(4096, 3, TimeSpan.FromMilliseconds(2500), 1 << 20);

        Assert.Equal(settings, TransferSettings.FromConfig(ConfigurationFactory.ParseString(settings.ToHocon())));
        Assert.Equal(TransferSettings.Default, TransferSettings.FromConfig(Config.Empty));
    }

    private static string Flatten(Exception error) =>
        string.Join(" | ", Enumerable.Repeat(error, 1).Concat(InnerExceptions(error)).Select(e => e.Message));

    private static IEnumerable<Exception> InnerExceptions(Exception error)
    {
        for (var inner = error.InnerException; inner != null; inner = inner.InnerException)
            yield return inner;
    }

    private sealed record Unregistered(int Value);
}
