using System.Net;
using System.Net.Sockets;
using AttnRnnCluster.Http;

namespace AttnRnnCluster.Deploy.Tests.Docker;

/// <summary>The image's health check script against a real listener on loopback.</summary>
public sealed class HealthcheckTests
{
    private static ProcessRun Check(string? port, string? hostname = "127.0.0.1", string? httpPort = null, string? httpHostname = null) =>
        ProcessRun.Start("bash", [Repository.PathOf("deploy", "docker", "healthcheck")], TimeSpan.FromSeconds(30),
            new Dictionary<string, string?>
            {
                ["ATTNRNN_PORT"] = port, ["ATTNRNN_HOSTNAME"] = hostname, ["ATTNRNN_HTTP_PORT"] = httpPort, ["ATTNRNN_HTTP_HOSTNAME"] = httpHostname,
            });

    /// <summary>A node's liveness as the test sets it.</summary>
    private sealed class SettableNode : INodeProbes
    {
        public volatile bool Alive = true;

        public ProbeAnswer Liveness() => Alive ? ProbeAnswer.Yes("alive") : ProbeAnswer.No("the actor system has stopped");

        public ProbeAnswer Readiness() => ProbeAnswer.No("not asked");
    }

    [Fact]
    public async Task With_the_HTTP_surface_on_healthy_while_healthz_answers_200_and_the_cluster_port_is_not_asked()
    {
        var node = new SettableNode();
        string port;
        ProcessRun alive, aliveOnEveryInterface, dead, gone;
        await using (var surface = await HttpSurface.StartAsync(IPAddress.Loopback, 0, [new ProbeEndpoints(node)]))
        {
            port = surface.Port.ToString();
            // A cluster port where nothing listens: with HTTP on, /healthz decides.
            alive = Check("1", httpPort: port);
            aliveOnEveryInterface = Check("1", httpPort: port, httpHostname: "0.0.0.0");
            node.Alive = false;
            dead = Check("1", httpPort: port);
        }
        gone = Check("1", httpPort: port);

        Assert.True(alive.ExitCode == 0, alive.ToString());
        Assert.True(aliveOnEveryInterface.ExitCode == 0, aliveOnEveryInterface.ToString());
        Assert.Equal(1, dead.ExitCode);
        Assert.Contains($"/healthz on 127.0.0.1:{port} answered HTTP/1.1 503 Service Unavailable: not ok: the actor system has stopped", dead.Error);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains($"nothing answers HTTP on 127.0.0.1:{port}", gone.Error);
    }

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
