using System.Net;
using System.Net.Sockets;
using AttnRnnCluster.Http;

namespace AttnRnnCluster.Shared.Tests.Http;

/// <summary>The HTTP surface on a real Kestrel on a free loopback port: the probes, the methods it serves, its limits.</summary>
public sealed class HttpSurfaceTests : IAsyncLifetime
{
    private readonly SettableProbes _probes = new();
    private readonly HttpClient _client = new();
    private HttpSurface _surface = null!;

    public async Task InitializeAsync()
    {
        _surface = await HttpSurface.StartAsync(IPAddress.Loopback, 0, [new ProbeEndpoints(_probes)]);
        _client.BaseAddress = _surface.Address;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _surface.DisposeAsync();
    }

    [Fact]
    public async Task Readyz_follows_the_nodes_readiness_and_says_why()
    {
        using var before = await _client.GetAsync("/readyz");
        _probes.Ready = true;
        using var after = await _client.GetAsync("/readyz");
        _probes.Ready = false;
        using var again = await _client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);
        Assert.Equal("not ok: not ready for the test\n", await before.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("ok: ready for the test\n", await after.Content.ReadAsStringAsync());
        Assert.Equal("text/plain; charset=utf-8", after.Content.Headers.ContentType?.ToString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, again.StatusCode);
    }

    [Fact]
    public async Task Healthz_follows_the_nodes_liveness()
    {
        using var alive = await _client.GetAsync("/healthz");
        _probes.Alive = false;
        using var dead = await _client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("ok: alive for the test\n", await alive.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, dead.StatusCode);
    }

    [Theory]
    [InlineData("POST", "/healthz")]
    [InlineData("PUT", "/readyz")]
    [InlineData("DELETE", "/healthz")]
    [InlineData("PATCH", "/nothing-here")]
    [InlineData("OPTIONS", "/healthz")]
    public async Task Anything_but_GET_and_HEAD_is_405(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var answer = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, answer.StatusCode);
        Assert.Equal("GET, HEAD", string.Join(", ", answer.Content.Headers.Allow));
    }

    [Fact]
    public async Task HEAD_answers_like_GET_without_a_body()
    {
        _probes.Ready = true;

        string answer = await RawHttp.ExchangeAsync(_surface.Port, "HEAD /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", answer);
        Assert.EndsWith("\r\n\r\n", answer);
    }

    [Fact]
    public async Task Answers_carry_no_server_banner_and_forbid_sniffing()
    {
        using var answer = await _client.GetAsync("/healthz");

        Assert.Empty(answer.Headers.Server);
        Assert.Equal("nosniff", Assert.Single(answer.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task An_unknown_path_is_404()
    {
        using var answer = await _client.GetAsync("/admin");

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
    }

    [Fact]
    public async Task A_huge_header_is_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Add("X-Flood", new string('a', HttpLimits.MaxHeaderBytes + 1));

        using var answer = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, answer.StatusCode);
    }

    [Fact]
    public async Task Too_many_headers_are_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        for (int i = 0; i <= HttpLimits.MaxHeaderCount; i++) request.Headers.Add($"X-Many-{i}", "1");

        using var answer = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, answer.StatusCode);
    }

    [Fact]
    public async Task A_huge_request_line_is_refused()
    {
        using var answer = await _client.GetAsync("/healthz?" + new string('a', HttpLimits.MaxRequestLineBytes));

        Assert.Equal(HttpStatusCode.RequestUriTooLong, answer.StatusCode);
    }

    [Fact]
    public async Task A_request_body_is_refused_before_it_is_read()
    {
        string answer = await RawHttp.ExchangeAsync(_surface.Port,
            "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n" + new string('a', 1000));

        // The whole exchange ended: the server answered and closed without waiting for the 1 MB announced.
        Assert.StartsWith("HTTP/1.1 413 Payload Too Large\r\n", answer);
        Assert.Contains("request body refused: this server takes no input\n", answer);
    }

    [Fact]
    public async Task A_taken_port_is_a_clear_error()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        int taken = ((IPEndPoint)holder.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<HttpSurfaceException>(() => HttpSurface.StartAsync(IPAddress.Loopback, taken, []));

        Assert.Contains($"--http-port {taken}: cannot listen on port {taken} of 127.0.0.1", error.Message);
    }
}
