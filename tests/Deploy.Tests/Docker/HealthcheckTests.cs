using System.Net;
using System.Net.Sockets;

namespace AttnRnnCluster.Deploy.Tests.Docker;

/// <summary>The image's health check script against a real listener on loopback.</summary>
public sealed class HealthcheckTests
{
    private static ProcessRun Check(string? port, string? hostname = "127.0.0.1") =>
        ProcessRun.Start("bash", [Repository.PathOf("deploy", "docker", "healthcheck")], TimeSpan.FromSeconds(30),
            new Dictionary<string, string?> { ["ATTNRNN_PORT"] = port, ["ATTNRNN_HOSTNAME"] = hostname });

    [Fact]
    public void Healthy_while_the_cluster_port_accepts_connections_unhealthy_once_it_does_not()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        string port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString();

        var listening = Check(port);
        var listeningOnEveryInterface = Check(port, "0.0.0.0");
        listener.Stop();
        var closed = Check(port);

        Assert.True(listening.ExitCode == 0, listening.ToString());
        Assert.True(listeningOnEveryInterface.ExitCode == 0, listeningOnEveryInterface.ToString());
        Assert.Equal(1, closed.ExitCode);
        Assert.Contains($"nothing accepts connections on 127.0.0.1:{port}", closed.Error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    public void Without_a_cluster_port_there_is_nothing_to_connect_to_and_alive_is_healthy(string? port)
    {
        Assert.Equal(0, Check(port).ExitCode);
    }
}
