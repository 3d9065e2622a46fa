using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AttnRnnCluster.Http;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace AttnRnnCluster.Shared.Tests.Http;

/// <summary>
/// Clients that misbehave: a refused method is logged once a minute per address; connections past the limit are
/// refused, logged once, and the surface still answers.
/// </summary>
public sealed class ConnectionFloodTests
{
    private sealed class Collected : ILogEventSink
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public void Emit(LogEvent logEvent) => Lines.Enqueue(logEvent.RenderMessage());
    }

    private static async Task<TcpClient> KeptAliveAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
        var buffer = new byte[1024];
        int read = await client.GetStream().ReadAsync(buffer);
        Assert.StartsWith("HTTP/1.1 200 OK", Encoding.ASCII.GetString(buffer, 0, read));
        return client;
    }

    [Fact]
    public async Task A_refused_request_is_logged_once_a_minute_per_client_address()
    {
        var sink = new Collected();
        using var logger = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();
        await using var surface = await HttpSurface.StartAsync(IPAddress.Loopback, 0, [new ProbeEndpoints(new SettableProbes())], logger);

        string first = await RawHttp.ExchangeAsync(surface.Port, "DELETE /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        string second = await RawHttp.ExchangeAsync(surface.Port, "POST /" + new string('p', 1000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 405 ", first);
        Assert.StartsWith("HTTP/1.1 405 ", second);
        Assert.Equal("HTTP surface: refused DELETE /healthz from 127.0.0.1 (405: method not allowed: this server only answers GET, HEAD; logged once a minute per address)",
            Assert.Single(sink.Lines));
    }

    [Fact]
    public async Task Connections_past_the_limit_are_closed_at_once_and_logged_once()
    {
        var sink = new Collected();
        using var logger = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();
        var probes = new SettableProbes();
        await using var surface = await HttpSurface.StartAsync(IPAddress.Loopback, 0, [new ProbeEndpoints(probes)], logger);
        var held = new List<TcpClient>();
        for (int i = 0; i < HttpLimits.MaxConnections; i++) held.Add(await KeptAliveAsync(surface.Port));

        var refused = new List<int>();
        for (int i = 0; i < 10; i++)
        {
            using var extra = new TcpClient();
            await extra.ConnectAsync(IPAddress.Loopback, surface.Port);
            await extra.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
            try
            {
                refused.Add(await extra.GetStream().ReadAsync(new byte[1024]).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
            }
            catch (IOException)
            {
                refused.Add(0); // reset instead of closed: refused all the same
            }
        }
        foreach (var client in held) client.Dispose();
        // Kestrel frees the slots as it sees those connections close: until then a new one may still be refused.
        string after = "";
        for (int attempt = 0; attempt < 300 && !after.StartsWith("HTTP/1.1 200 OK", StringComparison.Ordinal); attempt++)
        {
            if (attempt > 0) await Task.Delay(100);
            after = await RawHttp.ExchangeAsync(surface.Port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        }

        Assert.All(refused, bytes => Assert.Equal(0, bytes));
        Assert.Single(sink.Lines, line => line.Contains("maximum number of concurrent connections", StringComparison.Ordinal));
        Assert.StartsWith("HTTP/1.1 200 OK", after);
    }
}
