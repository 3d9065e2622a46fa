using System.Net;
using System.Text.Json;
using AttnRnnCluster.Coordinator.Live;
using AttnRnnCluster.Http;

namespace AttnRnnCluster.Cluster.Tests.Live;

/// <summary>The live page's two routes on a real HTTP surface (Kestrel on loopback), as a browser gets them.</summary>
public sealed class LiveEndpointsTests
{
    [Fact]
    public async Task The_page_comes_with_its_policy_and_the_json_is_the_boards_never_cached()
    {
        var board = new RunBoard(new RunIdentity("run", "adding", 345, 100));
        board.Step(Reports.Step(7));
        await using var surface = await HttpSurface.StartAsync(IPAddress.Loopback, 0, [new LiveEndpoints(board)]);
        using var http = new HttpClient { BaseAddress = surface.Address };

        using var page = await http.GetAsync("/");
        using var status = await http.GetAsync(LiveEndpoints.StatusPath);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal(LivePage.Instance.ContentSecurityPolicy, Assert.Single(page.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal(LivePage.Instance.Html, await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal("application/json", status.Content.Headers.ContentType?.MediaType);
        Assert.True(status.Headers.CacheControl?.NoStore, "the status must not be cached");
        using var json = JsonDocument.Parse(await status.Content.ReadAsStringAsync());
        Assert.Equal(7, json.RootElement.GetProperty("latest").GetProperty("step").GetInt64());
    }
}
