using AttnRnnCluster.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AttnRnnCluster.Coordinator.Live;

/// <summary>
/// The live page on the coordinator's HTTP surface: <see cref="PagePath"/> the page (with its Content-Security-Policy),
/// <see cref="StatusPath"/> the board's snapshot as JSON, which the page polls. Both read-only; the JSON is never cached
/// by a browser or proxy, the page is revalidated.
/// </summary>
public sealed class LiveEndpoints(RunBoard board) : IHttpEndpoints
{
    public const string PagePath = "/";
    public const string StatusPath = "/api/status";
    public const string JsonContentType = "application/json; charset=utf-8";

    private readonly StatusDocument _status = new(board);

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(PagePath, (HttpContext context) =>
        {
            var page = LivePage.Instance;
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = page.ContentSecurityPolicy;
            headers.CacheControl = "no-cache";
            headers["Referrer-Policy"] = "no-referrer";
            return Results.Bytes(page.Bytes, LivePage.ContentType);
        });
        routes.MapGet(StatusPath, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Bytes(_status.Json(), JsonContentType);
        });
    }
}
