using Akka.Actor;
using Akka.Configuration;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Training;
using AttnRnnCluster.Protocol;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Transport.Security;
using AttnRnnCluster.Worker.Options;
using AttnRnnCluster.Worker.Training;
using Serilog;

namespace AttnRnnCluster.Worker.Hosting;

/// <summary>
/// A worker process: joins the cluster at the seed nodes, finds the coordinator, trains until told the run is
/// over. If the node is downed (the coordinator was lost, or a partition cut this worker off) it starts a
/// fresh actor system and joins again, for as long as --coordinator-timeout allows.
/// </summary>
public static class WorkerNode
{
    /// <summary>How long leaving the cluster, and then terminating the actor system, may each take at the end.</summary>
    private static readonly TimeSpan Farewell = TimeSpan.FromSeconds(3);

    /// <param name="monitoring">Told of each actor system this worker starts and of its membership events (the HTTP surface).</param>
    /// <param name="engineFactory">
    /// The model replica each actor system's worker computes with; null (what the Worker executable passes, always):
    /// <see cref="GradientEngines.Create(ModelConfig, int)"/> on --threads threads. Only the
    /// benchmark's bench/SyntheticWorker passes another (a fixed sleep per shard, to measure communication apart from compute).
    /// </param>
    public static async Task<int> RunAsync(WorkerOptions options, StopSignals signals, WorkerMonitoring? monitoring = null,
        Func<ModelConfig, IGradientEngine>? engineFactory = null)
    {
        engineFactory ??= config => GradientEngines.Create(config, options.Threads);
        var cancel = signals.Stopping;
        var tls = options.Tls.Load(CertificateRole.Worker);
        if (tls is null)
            Log.Warning("--insecure: connections between nodes are neither authenticated nor encrypted; anyone who can reach this node's ports can send it work and read what it computes");
        var seedNodes = options.SeedNodes.Select(s => ClusterTls.SeedAddress(s, tls != null)).ToList();
        var seeds = seedNodes.Select(Address.Parse).ToList();
        var rejoin = new RejoinBudget(options.CoordinatorTimeout, DateTime.UtcNow);
        // One identity for the process's lifetime: a worker that rejoins from a fresh actor system (a new port) is
        // still the same worker to the coordinator, so an exclusion holds.
        string identity = RegisterWorker.NewWorkerIdentity();
        while (true)
        {
            var (outcome, wasMember) = await RunOneMembershipAsync(options, seedNodes, seeds, tls, identity, monitoring, engineFactory, cancel);
            switch (outcome)
            {
                case TrainingWorker.WorkerStopped { Kind: WorkerStopKind.Finished } done:
                    Log.Information("Worker {Name} done: {Reason}", options.DisplayName, done.Reason);
                    return ExitCodes.Ok;
                case TrainingWorker.WorkerStopped { Kind: WorkerStopKind.Refused } refused:
                    Log.Error("Worker {Name} was refused by the coordinator: {Reason}", options.DisplayName, refused.Reason);
                    return ExitCodes.RunFailed;
                case TrainingWorker.WorkerStopped failed:
                    Log.Error("Worker {Name} stops: it {Reason}", options.DisplayName, failed.Reason);
                    return ExitCodes.RunFailed;
                case CoordinatorLocator.CoordinatorLost lost:
                    Log.Error("Worker {Name} stops: {Reason}. Start the coordinator (or check --seed-nodes and the network), then start this worker again", options.DisplayName, lost.Reason);
                    return ExitCodes.RunFailed;
                case null when cancel.IsCancellationRequested:
                    Log.Information("Worker {Name} stopped by {Signal}: it left the cluster", options.DisplayName, signals.Signal);
                    return signals.ExitCode;
                default:
                    if (!rejoin.MayRejoinAfter(wasMember, DateTime.UtcNow))
                    {
                        Log.Error("Worker {Name} was removed from the cluster and could not rejoin within --coordinator-timeout", options.DisplayName);
                        return ExitCodes.RunFailed;
                    }
                    Log.Warning("Worker {Name}: this node left the cluster (downed after the coordinator became unreachable, or a partition); joining again", options.DisplayName);
                    await Task.Delay(TimeSpan.FromSeconds(1), cancel).ContinueWith(_ => { });
                    break;
            }
        }
    }

    public static Config SystemConfig(WorkerOptions options, IReadOnlyList<string> seedNodes) =>
        NodeConfig.ClusterNode(new ClusterNodeConfig(ClusterRoles.Worker, options.Hostname, options.Port, options.PublicHostname, seedNodes) { BulkPort = options.BulkPort, MaxIncomingMib = options.MaxIncomingMib });

    /// <summary>
    /// One actor system's life: returns why it ended (null: the node was downed or the process is stopping) and
    /// whether the node was a cluster member at some point of it.
    /// </summary>
    private static async Task<(object? Outcome, bool WasMember)> RunOneMembershipAsync(WorkerOptions options, IReadOnlyList<string> seedNodes, IReadOnlyList<Address> seeds,
        ClusterTls? tls, string identity, WorkerMonitoring? monitoring, Func<ModelConfig, IGradientEngine> engineFactory, CancellationToken cancel)
    {
        var system = NodeConfig.Create(SystemConfig(options, seedNodes), tls);
        monitoring?.Started(system);
        var ended = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listener = system.ActorOf(Props.Create(() => new OutcomeListener(ended)), "outcome-listener");
        system.EventStream.Subscribe(listener, typeof(TrainingWorker.WorkerStopped));
        system.EventStream.Subscribe(listener, typeof(CoordinatorLocator.CoordinatorLost));
        _ = system.WhenTerminated.ContinueWith(_ => ended.TrySetResult(null));
        await using var stop = cancel.Register(() => ended.TrySetResult(null));
        system.ActorOf(MembershipLogger.Props(monitoring is null ? null : monitoring.MembershipEvent), MembershipLogger.Name);
        var settings = new WorkerSettings(options.DisplayName, options.Threads, InjectedDelay: options.InjectDelay, InjectedRelayDelay: options.InjectRelayDelay, InjectedFault: options.InjectFault, Identity: identity);
        var worker = system.ActorOf(TrainingWorker.Props(settings, engineFactory), "worker");
        // Register for work only once this node is a cluster member: a worker that trained while still joining
        // would be invisible to the split-brain resolver, so a partition could not down it and make it rejoin.
        var cluster = Akka.Cluster.Cluster.Get(system);
        // Set once this membership was Up: the join timeout below is about joining, and must not fire for a node that
        // joined and was later downed (it used to, when shutting the downed system down outlasted the timeout's end,
        // and the worker then exited with "could not join" instead of joining again).
        var becameMember = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() =>
        {
            becameMember.TrySetResult();
            Log.Information("Worker {Name} is a cluster member at {Address}", options.DisplayName, cluster.SelfAddress);
            system.ActorOf(CoordinatorLocator.Props(seeds, worker, options.CoordinatorTimeout), CoordinatorLocator.Name);
        });
        _ = Task.Delay(options.CoordinatorTimeout, cancel).ContinueWith(_ =>
        {
            if (!becameMember.Task.IsCompleted && !cancel.IsCancellationRequested)
                ended.TrySetResult(new CoordinatorLocator.CoordinatorLost(
                    $"could not join the cluster at {string.Join(", ", seedNodes)} within {options.CoordinatorTimeout.TotalSeconds:0}s (--coordinator-timeout)"));
        }, TaskScheduler.Default);
        Log.Information("Worker {Name} starting: joining {Seeds} from {Host}:{Port}", options.DisplayName, string.Join(", ", seedNodes), options.PublicHostname ?? options.Hostname, options.Port);
        var outcome = await ended.Task;
        // At a signal the worker actor stops first: the coordinator's DeathWatch hears of it at once and hands its
        // shards to the others, instead of giving it work until the cluster has finished removing this node (seconds).
        if (outcome is null && cancel.IsCancellationRequested) system.Stop(worker);
        // Leaving tells the coordinator at once that this worker is gone (its shards go back to the queue), instead
        // of after the failure detector; both steps are bounded, so a signal always ends the process in time.
        await Task.WhenAny(Akka.Cluster.Cluster.Get(system).LeaveAsync(), Task.Delay(Farewell));
        await Task.WhenAny(system.Terminate(), Task.Delay(Farewell));
        return (outcome, becameMember.Task.IsCompleted);
    }

    /// <summary>Turns the first decisive event of the node into the outcome of its membership.</summary>
    private sealed class OutcomeListener : ReceiveActor
    {
        public OutcomeListener(TaskCompletionSource<object?> ended)
        {
            Receive<TrainingWorker.WorkerStopped>(m => ended.TrySetResult(m));
            Receive<CoordinatorLocator.CoordinatorLost>(m => ended.TrySetResult(m));
        }
    }
}
