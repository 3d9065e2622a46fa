using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AttnRnnCluster.Http;

/// <summary>
/// /healthz (liveness) and /readyz (readiness): 200 or 503 with a short plain-text reason, never cached. Kubernetes
/// and the compose healthcheck read the status code; a person reads the reason.
/// </summary>
public sealed class ProbeEndpoints(INodeProbes probes) : IHttpEndpoints
{
    public const string HealthPath = "/healthz";
    public const string ReadyPath = "/readyz";

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(HealthPath, () => Answer(probes.Liveness()));
        routes.MapGet(ReadyPath, () => Answer(probes.Readiness()));
    }

    private static IResult Answer(ProbeAnswer answer) =>
        Results.Text((answer.Ok ? "ok: " : "not ok: ") + answer.Reason + "\n", "text/plain; charset=utf-8", statusCode: answer.Ok ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
}
