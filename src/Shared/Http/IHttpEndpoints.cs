using Microsoft.AspNetCore.Routing;

namespace AttnRnnCluster.Http;

/// <summary>
/// A group of endpoints a node adds to its HTTP surface when it starts (the probes, /metrics, the live page), so a
/// new page needs no change to the surface itself. Only GET and HEAD ever reach them (<see cref="ReadOnlyMethods"/>):
/// map them with <c>MapGet</c>.
/// </summary>
public interface IHttpEndpoints
{
    void Map(IEndpointRouteBuilder routes);
}
