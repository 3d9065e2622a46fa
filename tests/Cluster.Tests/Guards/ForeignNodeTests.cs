using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch.SysMsg;
using AttnRnnCluster.Cluster.Tests.Training;
using AttnRnnCluster.Coordinator.Commands;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Protocol;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Worker.Training;

namespace AttnRnnCluster.Cluster.Tests.Guards;

/// <summary>
/// Real actor systems on loopback: a coordinator node and a worker node of ours (their cluster config, as the
/// executables build it), and a foreign node that is no cluster member, speaks our protocol and also Akka's JSON.
/// The foreign node sends the coordinator and the worker PoisonPill and Kill (directly and by actor selection), a
/// remote Terminate and Suspend, a forged DeathWatchNotification, a TrainingFinished, a ShardFailed, and a JSON
/// frame naming a type whose construction has a side effect. Then the run starts: it completes with the in-process
/// run's bits, so both actors survived and obeyed only each other; the JSON type was never constructed here; each refusal was logged once.
/// </summary>
public sealed class ForeignNodeTests : IAsyncLifetime
{
    private const int Steps = 4;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private readonly string _dir = Directory.CreateTempSubdirectory("attnrnn-guards-").FullName;
    private readonly List<ActorSystem> _systems = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_systems.Select(s => s.Terminate().WaitAsync(TimeSpan.FromSeconds(20))));
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_foreign_node_stops_steers_and_feeds_JSON_to_nothing_and_the_run_ends_with_the_same_bits()
    {
        // The coordinator's node, waiting for two workers.
        var coordinatorNode = Node(ClusterRoles.Coordinator, seed: null);
        var coordinatorLog = LogCollector.Attach(coordinatorNode);
        var options = InProcessTraining.SmallAdding(System.IO.Path.Combine(_dir, "run"), Steps);
        options = options with { Run = options.Run with { LocalWorkers = 2 } };
        var setup = TrainingSetup.Create(options);
        var coordinator = coordinatorNode.ActorOf(TrainingCoordinator.Props(setup.Plan, setup.Data, setup.Master,
            new InProcessTraining.RecordingJournal(setup, options), "guards-test"), ActorNames.Coordinator);
        var completion = coordinator.Ask<RunSummary>(new TrainingCoordinator.AwaitCompletion(), Patience);

        // A worker node: it finds the coordinator by selection (a trusted path) and registers.
        var workerNode = Node(ClusterRoles.Worker, seed: Address(coordinatorNode));
        var workerLog = LogCollector.Attach(workerNode);
        var coordinatorThere = await workerNode.ActorSelection(PathAt(Address(coordinatorNode), "user", ActorNames.Coordinator)).ResolveOne(Patience);
        var worker = workerNode.ActorOf(TrainingWorker.Props(new WorkerSettings("remote-worker"), GradientEngines.Create, coordinatorThere), "worker");
        await Until(() => workerLog.Any(l => l.Contains("Registered with", StringComparison.Ordinal)), "the worker registered");

        // The foreign node attacks both.
        var foreign = (ExtendedActorSystem)Foreign();
        var coordinatorPath = PathAt(Address(coordinatorNode), "user", ActorNames.Coordinator);
        var workerPath = PathAt(Address(workerNode), "user", "worker");
        var remoteCoordinator = (IInternalActorRef)foreign.Provider.ResolveActorRef(coordinatorPath);
        var remoteWorker = (IInternalActorRef)foreign.Provider.ResolveActorRef(workerPath);
        int constructedBefore = SideEffectOnConstruction.Constructed;
        var gadget = new SideEffectOnConstruction { Payload = "would run on the receiving node" };
        foreach (var target in new[] { remoteCoordinator, remoteWorker })
        {
            target.Tell(gadget);
            target.Tell(gadget);
            target.Tell(PoisonPill.Instance);
            target.Tell(Kill.Instance);
            foreign.ActorSelection(target.Path.ToString()).Tell(PoisonPill.Instance);
            foreign.ActorSelection(target.Path.ToString()).Tell(Kill.Instance);
            // Untrusted mode drops Terminate (possibly harmful) but would deliver Suspend, which freezes an actor for good.
            target.SendSystemMessage(new Terminate());
            target.SendSystemMessage(new Suspend());
        }
        // As if it had learned the worker actor's uid: a notification about another actor is ignored by Akka anyway.
        var workerWithUid = foreign.Provider.ResolveActorRef($"{workerPath}#{worker.Path.Uid}");
        remoteCoordinator.SendSystemMessage(new DeathWatchNotification(workerWithUid, existenceConfirmed: true, addressTerminated: false));
        var impostorMail = new ConcurrentQueue<object>();
        var impostor = foreign.ActorOf(Props.Create(() => new Recorder(impostorMail)), "impostor");
        remoteWorker.Tell(new TrainingFinished("the foreign node says so"), impostor);
        remoteWorker.Tell(new WorkerRefused("the foreign node says so"), impostor);
        remoteCoordinator.Tell(new ShardFailed(0, WorkKind.Train, 0, "the foreign node says so"), impostor);
        // Each node reads one association in order: once it answers this, it has read everything above.
        await foreign.ActorSelection(coordinatorPath).Ask<ActorIdentity>(new Identify("marker"), Patience);
        await foreign.ActorSelection(PathAt(Address(workerNode), "user", ActorNames.Coordinator)).Ask<ActorIdentity>(new Identify("marker"), Patience);

        // The second worker joins: the run starts, and must end as the in-process run does.
        coordinatorNode.ActorOf(TrainingWorker.Props(new WorkerSettings("local-worker"), GradientEngines.Create, coordinator), "local-worker");
        var summary = await completion;

        Assert.False(summary.Failed, summary.Reason);
        Assert.Equal(Steps, summary.Steps);
        var reference = await InProcessTraining.RunAsync(InProcessTraining.SmallAdding(System.IO.Path.Combine(_dir, "reference"), Steps), workers: 1);
        Assert.Equal(reference.Weights, setup.Master.Weights);
        await Until(() => workerLog.Any(l => l.Contains("Training finished: reached the step cap", StringComparison.Ordinal)),
            () => "the worker heard the end from its coordinator; it logged:\n" + string.Join("\n", workerLog) + "\nthe coordinator's node logged:\n" + string.Join("\n", coordinatorLog));
        Assert.Equal(constructedBefore + 1, SideEffectOnConstruction.Constructed);
        // The coordinator answers this after everything it sent before: the impostor was never answered.
        await foreign.ActorSelection(coordinatorPath).Ask<ActorIdentity>(new Identify("marker"), Patience);
        Assert.Empty(impostorMail);
        string from = $"from {Address(foreign)}";
        foreach (var log in new[] { coordinatorLog, workerLog })
        {
            Assert.Single(log, l => l.Contains($"Dropped an inbound message {from} (serializer 1,", StringComparison.Ordinal));
            Assert.Single(log, l => l.Contains($"Dropped an inbound message {from} (serializer 16, manifest 'PP')", StringComparison.Ordinal));
            Assert.Single(log, l => l.Contains($"Dropped an inbound message {from} (serializer 22, manifest 'Terminate')", StringComparison.Ordinal));
        }
        // One line per sender and minute: the refusal that followed is counted, not logged.
        Assert.Single(workerLog, l => l.Contains($"Ignored TrainingFinished from {Address(foreign)}/user/impostor", StringComparison.Ordinal));
        Assert.DoesNotContain(workerLog, l => l.Contains("Ignored WorkerRefused", StringComparison.Ordinal));
    }

    private sealed class Recorder : ReceiveActor
    {
        public Recorder(ConcurrentQueue<object> mail) => ReceiveAny(mail.Enqueue);
    }

    /// <summary>A node of ours with the executables' cluster config, on a free loopback port.</summary>
    private ActorSystem Node(string role, Address? seed)
    {
        var system = NodeConfig.Create(NodeConfig.ClusterNode(new ClusterNodeConfig(role, "127.0.0.1", 0, null, [])));
        _systems.Add(system);
        var cluster = Akka.Cluster.Cluster.Get(system);
        cluster.Join(seed ?? cluster.SelfAddress);
        return system;
    }

    /// <summary>
    /// Another program on the network: plain Akka.Remote (no cluster, none of our guards), our protocol's serializer
    /// so it can speak to our actors, and Akka's JSON serializer for the gadget type.
    /// </summary>
    private ActorSystem Foreign()
    {
        string gadget = $"{typeof(SideEffectOnConstruction).FullName}, {typeof(SideEffectOnConstruction).Assembly.GetName().Name}";
        var config = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
            akka.actor.serialization-bindings { "{{gadget}}" = json }
            akka.loglevel = WARNING
            """).WithFallback(NodeConfig.Wire());
        var system = ActorSystem.Create("foreign", config);
        _systems.Add(system);
        return system;
    }

    private static Address Address(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress;

    private static string PathAt(Address address, params string[] elements) => $"{address}/{string.Join('/', elements)}";

    /// <summary>Waits for <paramref name="condition"/>, bounded only so that a broken build fails instead of hanging.</summary>
    private static async Task Until(Func<bool> condition, string what) => await Until(condition, () => what);

    private static async Task Until(Func<bool> condition, Func<string> what)
    {
        var giveUp = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > giveUp) throw new TimeoutException($"gave up waiting until {what()}");
            await Task.Delay(50);
        }
    }
}
