using Akka.Actor;
using AttnRnnCluster.Coordinator.Hosting;
using AttnRnnCluster.Coordinator.Training;

namespace AttnRnnCluster.Cluster.Tests.Monitoring;

/// <summary>The coordinator's /healthz and /readyz answers over a real actor system's life and the run's.</summary>
public sealed class CoordinatorProbesTests
{
    private static RunSummary Ended(bool failed = false, bool stopped = false) =>
        new(10, 0.1, 0.1, 0.1, ReachedTarget: false, "test", TimeSpan.Zero, failed, stopped);

    [Fact]
    public async Task Alive_while_the_actor_system_runs_and_ready_until_the_run_ends()
    {
        var probes = new CoordinatorProbes(CancellationToken.None);
        var beforeStart = (probes.Liveness(), probes.Readiness());
        var system = ActorSystem.Create("probes");
        probes.Started(system);
        var running = (probes.Liveness(), probes.Readiness());
        probes.Finished(Ended());
        var finished = (probes.Liveness(), probes.Readiness());
        await system.Terminate();
        var terminated = (probes.Liveness(), probes.Readiness());

        Assert.Equal((false, false), (beforeStart.Item1.Ok, beforeStart.Item2.Ok));
        Assert.Equal("the actor system has not started yet", beforeStart.Item1.Reason);
        Assert.Equal((true, true), (running.Item1.Ok, running.Item2.Ok));
        Assert.Equal((true, false), (finished.Item1.Ok, finished.Item2.Ok));
        Assert.Equal("the run is finished", finished.Item2.Reason);
        Assert.Equal((false, false), (terminated.Item1.Ok, terminated.Item2.Ok));
        Assert.Equal("the actor system has stopped", terminated.Item1.Reason);
    }

    [Fact]
    public async Task Not_ready_once_stopping_failed_or_stopped()
    {
        using var stopping = new CancellationTokenSource();
        var system = ActorSystem.Create("probes");
        var signalled = new CoordinatorProbes(stopping.Token);
        var failed = new CoordinatorProbes(CancellationToken.None);
        var stopped = new CoordinatorProbes(CancellationToken.None);
        foreach (var probes in new[] { signalled, failed, stopped }) probes.Started(system);

        stopping.Cancel();
        failed.Failed("writing a checkpoint", new IOException("disk full"));
        stopped.Finished(Ended(stopped: true));

        Assert.Equal("the run is stopping", signalled.Readiness().Reason);
        Assert.Equal("the run failed", failed.Readiness().Reason);
        Assert.Equal("the run was stopped", stopped.Readiness().Reason);
        Assert.All(new[] { signalled, failed, stopped }, probes => Assert.False(probes.Readiness().Ok));
        Assert.All(new[] { signalled, failed, stopped }, probes => Assert.True(probes.Liveness().Ok));
        await system.Terminate();
    }
}
