using System.Net;
using System.Net.Sockets;
using Akka.Configuration;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Protocol;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Transport;

/// <summary>The bulk channel's settings in <c>attnrnn.transfer</c> (the chunk settings are tested with the wire config).</summary>
public sealed class TransferSettingsTests
{
    [Fact]
    public void The_bulk_channel_is_on_by_default_from_1_MiB_on_any_free_port()
    {
        var settings = TransferSettings.FromConfig(Config.Empty);

        Assert.True(settings.BulkChannel);
        Assert.Equal(1 << 20, settings.BulkThreshold);
        Assert.Equal(0, settings.BulkPort);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.BulkConnectTimeout);
    }

    [Theory]
    [InlineData("off", false)]
    [InlineData("on", true)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public void The_bulk_channel_is_switched_with_on_or_off(string value, bool on) =>
        Assert.Equal(on, TransferSettings.FromConfig(ConfigurationFactory.ParseString($"attnrnn.transfer.bulk-channel = {value}")).BulkChannel);

    [Theory]
    [InlineData("off", false)]
    [InlineData("on", true)]
    public void Message_lanes_are_on_unless_switched_off(string value, bool on)
    {
        Assert.True(TransferSettings.Default.Lanes);
        Assert.Equal(on, TransferSettings.FromConfig(ConfigurationFactory.ParseString($"attnrnn.transfer.lanes = {value}")).Lanes);
    }

    [Theory]
    [InlineData("lanes = maybe", "attnrnn.transfer.lanes = 'maybe': expected on or off")]
    [InlineData("bulk-channel = sometimes", "attnrnn.transfer.bulk-channel = 'sometimes': expected on or off")]
    [InlineData("bulk-threshold = 1KiB", "attnrnn.transfer.bulk-threshold = 1024b: expected at least chunk-size (65536b)")]
    [InlineData("bulk-port = 70000", "attnrnn.transfer.bulk-port = 70000: expected 0 (any free port) or a TCP port 1..65535")]
    [InlineData("bulk-port = -1", "attnrnn.transfer.bulk-port = -1: expected 0 (any free port)")]
    [InlineData("bulk-connect-timeout = 0s", "attnrnn.transfer.bulk-connect-timeout = 00:00:00: expected a positive duration")]
    [InlineData("max-incoming-size = 128KiB", "attnrnn.transfer.max-incoming-size = 131072b: expected at least 4 x chunk-size (262144b)")]
    [InlineData("lane-idle-timeout = 0s", "attnrnn.transfer.lane-idle-timeout = 00:00:00: expected a positive duration")]
    [InlineData("lane-key-size = 1KiB", "attnrnn.transfer.lane-key-size = 1024b: expected 65536b..68719476736b")]
    [InlineData("lane-key-size = 1TiB", "attnrnn.transfer.lane-key-size = 1099511627776b: expected 65536b..68719476736b")]
    public void Bad_bulk_settings_are_errors_naming_the_key(string setting, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() =>
            TransferSettings.FromConfig(ConfigurationFactory.ParseString($"attnrnn.transfer.{setting}")));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void The_executables_bulk_port_option_reaches_the_transfer_settings()
    {
        // What ClusterRun and WorkerNode build from --bulk-port: the node's config in front of the wire defaults.
        var node = new ClusterNodeConfig(ClusterRoles.Worker, "127.0.0.1", 0, null, ["akka.tcp://attnrnn@127.0.0.1:4053"]) { BulkPort = 4077 };

        Assert.Equal(4077, TransferSettings.FromConfig(node.ToConfig().WithFallback(NodeConfig.Wire())).BulkPort);
        Assert.Equal(0, TransferSettings.FromConfig((node with { BulkPort = 0 }).ToConfig().WithFallback(NodeConfig.Wire())).BulkPort);
    }

    [Fact]
    public void A_node_given_a_bulk_port_listens_there()
    {
        int port = FreePort();

        using var system = TestNodes.Start("remote", TransferSettings.Default with { BulkPort = port });

        Assert.Equal(port, PayloadTransport.Get(system).BulkServer!.Port);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public void Bulk_settings_survive_their_own_hocon()
    {
        var settings = TransferSettings.Default with
        {
            BulkChannel = false, Lanes = false, BulkThreshold = 3 << 20, BulkPort = 4054, BulkConnectTimeout = TimeSpan.FromMilliseconds(1500),
            LaneKeyBytes = 1 << 20,
        };

        Assert.Equal(settings, TransferSettings.FromConfig(ConfigurationFactory.ParseString(settings.ToHocon())));
    }
}
