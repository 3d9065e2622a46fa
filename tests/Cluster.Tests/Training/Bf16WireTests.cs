using Akka.Actor;
using Akka.Configuration;
using AttnRnnCluster.Coordinator.Commands;
using AttnRnnCluster.Coordinator.Options;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Protocol;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;
using AttnRnnCluster.Transport;
using AttnRnnCluster.Worker.Training;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>
/// --wire-precision both ways: what a real worker sends back over a real wire (lanes, bulk channel, chunks) in the
/// precision the coordinator gave it, and the bits of whole runs. The format alone: ProtocolSerializerTests.
/// </summary>
public sealed class Bf16WireTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("attnrnn-bf16-").FullName;
    private readonly List<ActorSystem> _systems = [];

    public void Dispose()
    {
        foreach (var system in _systems) system.Terminate().Wait(TimeSpan.FromSeconds(10));
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>How messages between the two nodes travel: the transport settings both nodes get.</summary>
    public enum WirePath { Lane, BulkChannel, Chunks }

    private static string TransportFor(WirePath path) => path switch
    {
        WirePath.Lane => "",
        // 1 KiB chunks and threshold: the gradient (2 or 4 bytes × 3,000+ values) is a bulk transfer, or many chunks.
        WirePath.BulkChannel => "attnrnn.transfer { lanes = off, chunk-size = 1024b, bulk-threshold = 1024b }",
        WirePath.Chunks => "attnrnn.transfer { lanes = off, bulk-channel = off, chunk-size = 1024b }",
        _ => throw new ArgumentOutOfRangeException(nameof(path)),
    };

    private static TrainingOptions Options(string folder, WirePrecision precision, int steps = 1)
    {
        var options = InProcessTraining.SmallAdding(folder, steps);
        return options with { Model = new ModelOptions { Hidden = 32 }, Cluster = options.Cluster with { WirePrecision = precision } };
    }

    [Theory]
    [InlineData(WirePrecision.Bf16, WirePath.Lane)]
    [InlineData(WirePrecision.Bf16, WirePath.BulkChannel)]
    [InlineData(WirePrecision.Bf16, WirePath.Chunks)]
    [InlineData(WirePrecision.F32, WirePath.Lane)]
    [InlineData(WirePrecision.F32, WirePath.BulkChannel)]
    [InlineData(WirePrecision.F32, WirePath.Chunks)]
    public async Task A_remote_worker_sends_its_gradient_in_the_precision_the_coordinator_gave_it(WirePrecision precision, WirePath path)
    {
        var setup = TrainingSetup.Create(Options(Path.Combine(_dir, "run"), precision));
        var weights = setup.Master.WeightsMessage(precision);
        var round = ShardRound.Split(0, WorkKind.Train, setup.Data.TrainBatch(0, setup.Plan.GlobalBatch), setup.Plan.MicroBatch,
            setup.Master.Layout.TotalSize, precision);
        var received = new TaskCompletionSource<ShardCompleted>(TaskCreationOptions.RunContinuationsAsynchronously);
        var coordinatorNode = Node(TransportFor(path));
        var workerNode = Node(TransportFor(path));
        IProtocolMessage[] script =
        [
            new WorkerAccepted("bf16-test", ModelConfigJson.Serialize(setup.Master.Config), setup.Master.Layout.TotalSize, 1000, precision),
            weights,
            new ShardAssignment(0, WorkKind.Train, 0, round.Shards[0]),
        ];
        coordinatorNode.ActorOf(Props.Create(() => new ScriptedCoordinator(received, script)), ActorNames.Coordinator);
        var coordinator = await workerNode.ActorSelection($"{Address(coordinatorNode)}/user/{ActorNames.Coordinator}").ResolveOne(Patience);
        workerNode.ActorOf(TrainingWorker.Props(new WorkerSettings("remote"), GradientEngines.Create, coordinator), "worker");

        var result = await received.Task.WaitAsync(Patience);

        // What the worker computes on these weights, as a worker in the coordinator's own process would send it.
        using var engine = GradientEngines.Create(setup.Master.Config);
        engine.SetWeights(weights.Weights.Values);
        var expected = engine.ComputeGradient(round.Shards[0].ToBatch()).Gradient;
        if (precision == WirePrecision.Bf16) BFloat16.Round(expected);
        Assert.Equal(precision, result.GradientPrecision);
        Assert.Equal(Bits(expected), Bits(result.Gradient!));
        if (precision == WirePrecision.Bf16)
            Assert.All(result.Gradient!, v => Assert.True(BFloat16.IsExact(v), $"{v} is not a bf16 value"));
        else
            Assert.Contains(result.Gradient!, v => !BFloat16.IsExact(v));
        Assert.Equal(ExpectedRoute(path), RouteTaken(workerNode));
    }

    [Fact]
    public async Task A_bf16_run_gives_the_same_bits_with_one_and_two_workers_keeps_f32_master_weights_and_differs_from_f32()
    {
        // serialize-messages: every message crosses the serializer, as between machines.
        const string overTheWire = "akka.actor.serialize-messages = on";
        var one = await InProcessTraining.RunAsync(Options(Path.Combine(_dir, "b1"), WirePrecision.Bf16, steps: 4), workers: 1, overTheWire);
        var two = await InProcessTraining.RunAsync(Options(Path.Combine(_dir, "b2"), WirePrecision.Bf16, steps: 4), workers: 2, overTheWire);
        var twoInMemory = await InProcessTraining.RunAsync(Options(Path.Combine(_dir, "b2m"), WirePrecision.Bf16, steps: 4), workers: 2);
        var f32 = await InProcessTraining.RunAsync(Options(Path.Combine(_dir, "f"), WirePrecision.F32, steps: 4), workers: 1, overTheWire);

        Assert.Equal(4, two.Summary.Steps);
        Assert.Equal(Bits(one.Weights), Bits(two.Weights));
        Assert.Equal(one.Steps.Select(s => s.Loss), two.Steps.Select(s => s.Loss));
        // The rounding is the senders', not the encoder's: messages that never cross a wire carry the same values.
        Assert.Equal(Bits(one.Weights), Bits(twoInMemory.Weights));
        // The master weights are float32: Adam's updates are not rounded away.
        Assert.Contains(one.Weights, v => !BFloat16.IsExact(v));
        Assert.NotEqual(Bits(f32.Weights), Bits(one.Weights));
    }

    private static uint[] Bits(float[] values) => values.Select(BitConverter.SingleToUInt32Bits).ToArray();

    private static (bool Lane, bool Bulk) ExpectedRoute(WirePath path) => (path == WirePath.Lane, path == WirePath.BulkChannel);

    /// <summary>Whether the worker's node sent anything on a message lane, and over the bulk channel.</summary>
    private static (bool Lane, bool Bulk) RouteTaken(ActorSystem node)
    {
        var transport = PayloadTransport.Get(node);
        return (transport.Lanes?.Counters.Sent > 0, transport.BulkCounters.Offered > 0);
    }

    /// <summary>A node with the executables' cluster config on a free loopback port, <paramref name="transport"/> in front.</summary>
    private ActorSystem Node(string transport)
    {
        var config = ConfigurationFactory.ParseString(transport + "\nakka.loglevel = WARNING")
            .WithFallback(NodeConfig.ClusterNode(new ClusterNodeConfig(ClusterRoles.Worker, "127.0.0.1", 0, null, [])));
        var system = NodeConfig.Create(config);
        _systems.Add(system);
        return system;
    }

    private static Address Address(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress;

    /// <summary>Plays the coordinator: answers a registration with its script of messages and hands on the first result.</summary>
    private sealed class ScriptedCoordinator : ReceiveActor
    {
        public ScriptedCoordinator(TaskCompletionSource<ShardCompleted> result, IProtocolMessage[] script)
        {
            var transport = PayloadTransport.Get(Context.System);
            Receive<RegisterWorker>(_ =>
            {
                foreach (var message in script) transport.Tell(Sender, message, Self);
            });
            Receive<ShardCompleted>(m => result.TrySetResult(m));
            ReceiveAny(_ => { });
        }
    }
}
