using Microsoft.Extensions.Hosting;

namespace AttnRnnCluster.Http;

/// <summary>
/// The host's lifetime without ASP.NET's console lifetime: SIGTERM and Ctrl+C belong to the node (StopSignals, which
/// checkpoints and leaves the cluster); the surface is stopped by the node when it is done, never by a signal.
/// </summary>
internal sealed class NoSignalsLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
