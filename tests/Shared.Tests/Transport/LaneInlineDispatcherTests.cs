using Akka.Actor;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Transport;

/// <summary>
/// Two remote nodes on loopback with message lanes; the receiving one has both kinds of lane-inline dispatcher. Each
/// test first lets its actors run once locally: a new actor's first run is on its executor, and a message arriving
/// meanwhile is processed there, which is right but would not show what the test looks for.
/// </summary>
public sealed class LaneInlineFixture : IAsyncLifetime
{
    public const string Shared = "test.lane-inline";
    public const string ThreadPerActor = "test.lane-inline-thread-per-actor";

    public ActorSystem Sender { get; private set; } = null!;
    public ActorSystem Receiver { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Sender = TestNodes.Start("remote", TransferSettings.Default);
        Receiver = TestNodes.Start("remote", TransferSettings.Default,
            LaneInlineDispatcherConfigurator.Hocon(Shared, threadPerActor: false) + "\n" +
            LaneInlineDispatcherConfigurator.Hocon(ThreadPerActor, threadPerActor: true));
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => TestNodes.StopAll([Sender, Receiver]);
}

public sealed class LaneInlineDispatcherTests(LaneInlineFixture nodes) : IClassFixture<LaneInlineFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(LaneInlineFixture.Shared)]
    [InlineData(LaneInlineFixture.ThreadPerActor)]
    public async Task A_message_that_arrives_on_a_lane_is_processed_on_the_lanes_reading_thread(string dispatcher)
    {
        var inline = new ThreadRecorder(nodes.Receiver, $"inline-{dispatcher.Replace('.', '-')}", dispatcher);
        var usual = new ThreadRecorder(nodes.Receiver, $"usual-for-{dispatcher.Replace('.', '-')}", null);
        await inline.Started();
        await usual.Started();

        SendOverLane(inline.Ref);
        SendOverLane(usual.Ref);

        Assert.Equal(MessageLanes.ReadingThreadName, (await inline.Next()).ThreadName);
        Assert.NotEqual(MessageLanes.ReadingThreadName, (await usual.Next()).ThreadName);
        Assert.True(PayloadTransport.Get(nodes.Receiver).Lanes!.Counters.Received >= 2);
    }

    [Fact]
    public async Task A_message_told_on_its_own_node_is_processed_on_the_dispatchers_executor()
    {
        var shared = new ThreadRecorder(nodes.Receiver, "local-shared", LaneInlineFixture.Shared);
        var pinnedA = new ThreadRecorder(nodes.Receiver, "local-pinned-a", LaneInlineFixture.ThreadPerActor);
        var pinnedB = new ThreadRecorder(nodes.Receiver, "local-pinned-b", LaneInlineFixture.ThreadPerActor);

        foreach (var recorder in new[] { shared, pinnedA, pinnedB })
            recorder.Ref.Tell(Probe(1));

        var onShared = await shared.Next();
        var (onA, onB) = (await pinnedA.Next(), await pinnedB.Next());
        Assert.True(onShared.ThreadPool, "the shared kind runs on the thread pool");
        Assert.False(onA.ThreadPool || onB.ThreadPool, "thread-per-actor runs on threads of its own");
        Assert.NotEqual(onA.ThreadId, onB.ThreadId);
        Assert.DoesNotContain(MessageLanes.ReadingThreadName, new[] { onShared.ThreadName, onA.ThreadName, onB.ThreadName });
    }

    [Fact]
    public async Task An_actor_run_on_a_lane_does_not_run_another_one_nested_inside_it()
    {
        var last = new ThreadRecorder(nodes.Receiver, "relay-target", LaneInlineFixture.ThreadPerActor);
        var relay = nodes.Receiver.ActorOf(Props.Create(() => new Relay(last.Ref)).WithDispatcher(LaneInlineFixture.Shared), "relay");
        relay.Tell(Probe(-1));
        await last.Next();

        SendOverLane(relay);

        var seen = await last.Next();
        Assert.NotEqual(MessageLanes.ReadingThreadName, seen.ThreadName);
        Assert.False(seen.ThreadPool);
    }

    [Fact]
    public async Task The_lane_is_read_while_a_recipient_works_on_its_thread_and_its_messages_keep_their_order()
    {
        using var gate = new ManualResetEventSlim();
        var seen = new Recorder(nodes.Receiver, "blocking-seen");
        var blocking = nodes.Receiver.ActorOf(Props.Create(() => new BlockingOnFirst(gate, seen.Ref)).WithDispatcher(LaneInlineFixture.Shared), "blocking");
        var other = new Recorder(nodes.Receiver, "beside-blocking");
        blocking.Tell(Probe(-1));
        Assert.Equal(-1, (await seen.Next<Handled>(Patience)).Message.Version);

        SendOverLane(blocking, version: 0);
        Assert.Equal(new Handled(0, MessageLanes.ReadingThreadName), (await seen.Next<Handled>(Patience)).Message);
        for (var version = 1; version <= 100; version++)
            SendOverLane(blocking, version);
        SendOverLane(other.Ref, version: 7);

        // Arrives although the lane's first reading thread is still inside the blocked actor.
        Assert.Equal(7, (await other.Next<ShardFailed>(Patience)).Message.Version);
        Assert.False(gate.IsSet);
        gate.Set();
        for (var version = 1; version <= 100; version++)
            Assert.Equal(version, (await seen.Next<Handled>(Patience)).Message.Version);
    }

    private void SendOverLane(IActorRef recipient, int version = 0) =>
        PayloadTransport.Get(nodes.Sender).Tell(TestNodes.RemoteRef(nodes.Sender, recipient, nodes.Receiver), Probe(version), ActorRefs.NoSender);

    private static ShardFailed Probe(int version) => new(version, WorkKind.Train, ShardIndex: 0, Reason: "which thread?");

    private sealed record Handled(long Version, string? ThreadName);

    private sealed record SeenOn(string? ThreadName, int ThreadId, bool ThreadPool);

    /// <summary>An actor that reports the thread each message was processed on.</summary>
    private sealed class ThreadRecorder
    {
        private readonly Recorder _seen;

        public ThreadRecorder(ActorSystem system, string name, string? dispatcher)
        {
            _seen = new Recorder(system, name + "-seen");
            var props = Props.Create(() => new ThreadReporter(_seen.Ref));
            Ref = system.ActorOf(dispatcher == null ? props : props.WithDispatcher(dispatcher), name);
        }

        public IActorRef Ref { get; }

        /// <summary>
        /// Waits until the actor has run once: a new actor's first run (its creation) is on its executor, and a
        /// message that arrives meanwhile is processed there too.
        /// </summary>
        public async Task Started()
        {
            Ref.Tell(Probe(-1));
            await Next();
        }

        public async Task<SeenOn> Next() => (await _seen.Next<SeenOn>(Patience)).Message;
    }

    private sealed class ThreadReporter : ReceiveActor
    {
        public ThreadReporter(IActorRef report) =>
            ReceiveAny(_ => report.Tell(new SeenOn(Thread.CurrentThread.Name, Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread)));
    }

    /// <summary>Reports each message; the first one then blocks it until the test opens the gate.</summary>
    private sealed class BlockingOnFirst : ReceiveActor
    {
        public BlockingOnFirst(ManualResetEventSlim gate, IActorRef report) =>
            Receive<ShardFailed>(m =>
            {
                report.Tell(new Handled(m.Version, Thread.CurrentThread.Name));
                if (m.Version == 0)
                    gate.Wait(Patience);
            });
    }

    private sealed class Relay : ReceiveActor
    {
        public Relay(IActorRef next) => ReceiveAny(m => next.Forward(m));
    }
}
