using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Prometheus;

namespace AttnRnnCluster.Http;

/// <summary>
/// /metrics: the node's own registry (never prometheus-net's process-wide default one, which would mix nodes and
/// tests in one process) in Prometheus' text format. The registry's before-collect callbacks bring gauges read from
/// elsewhere (transport bytes) up to date at each scrape.
/// </summary>
public sealed class MetricsEndpoint(CollectorRegistry registry) : IHttpEndpoints
{
    public const string Path = "/metrics";
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet(Path, async (HttpContext context) =>
        {
            context.Response.ContentType = ContentType;
            context.Response.Headers.CacheControl = "no-store";
            await registry.CollectAndExportAsTextAsync(context.Response.Body, ExpositionFormat.PrometheusText, context.RequestAborted);
        });
}
