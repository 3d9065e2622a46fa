using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote;
using Akka.Remote.Transport.DotNetty;
using AttnRnnCluster.Transport.Security;

namespace AttnRnnCluster.Shared.Tests.Security;

/// <summary>
/// One cluster member on loopback, on a free port, with its warnings collected. Joins are retried every second so
/// that a refused node is refused many times within a test.
/// </summary>
public sealed class TestClusterNode : IAsyncDisposable
{
    private const string BaseHocon = """
        akka {
          loglevel = INFO
          stdout-loglevel = WARNING
          actor.provider = cluster
          remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
          remote.retry-gate-closed-for = 500ms
          cluster.retry-unsuccessful-join-after = 1s
          coordinated-shutdown.run-by-clr-shutdown-hook = off
        }
        """;

    private readonly ConcurrentQueue<string> _warnings = new();
    private readonly ConcurrentQueue<Address> _failedAssociations = new();

    private TestClusterNode(ActorSystem system)
    {
        System = system;
        Record<Warning>(warning => _warnings.Enqueue(warning.Message.ToString() ?? ""));
        Record<AssociationErrorEvent>(failure => _failedAssociations.Enqueue(failure.RemoteAddress));
    }

    public ActorSystem System { get; }

    public Cluster Cluster => Cluster.Get(System);

    public Address Address => Cluster.SelfAddress;

    public IReadOnlyCollection<string> Warnings => _warnings;

    /// <summary>A node with mutual TLS exactly as the coordinator and workers set it up.</summary>
    public static TestClusterNode WithTls(ClusterTls tls) =>
        Start(ClusterTls.Hocon, new DotNettySslSetup(tls.Certificate, suppressValidation: false, requireMutualAuthentication: true,
            validateCertificateHostname: false, tls.ValidatePeer));

    /// <summary>A node with TLS configured by hand (attackers), or none at all.</summary>
    public static TestClusterNode Start(string hocon = "", Setup? ssl = null)
    {
        var bootstrap = BootstrapSetup.Create().WithConfig(ConfigurationFactory.ParseString(hocon).WithFallback(ConfigurationFactory.ParseString(BaseHocon)));
        return new TestClusterNode(ActorSystem.Create("attnrnn", ssl is null ? ActorSystemSetup.Create(bootstrap) : bootstrap.And(ssl)));
    }

    public bool IsUpMember(Address address) =>
        Cluster.State.Members.Any(member => member.Address == address && member.Status == MemberStatus.Up);

    public int WarningsContaining(string text) => _warnings.Count(warning => warning.Contains(text, StringComparison.Ordinal));

    /// <summary>How many of this node's attempts to associate with <paramref name="remote"/> failed (Akka.Remote's event).</summary>
    public int FailedAssociationsWith(Address remote) => _failedAssociations.Count(address => address == remote);

    /// <summary>Waits until <paramref name="condition"/> holds; a bound that only a broken feature reaches.</summary>
    public async Task Until(Func<bool> condition, string what, TestClusterNode? peer = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{Address}: still not {what}; its warnings:\n{string.Join("\n", _warnings)}" +
                    (peer is null ? "" : $"\n{peer.Address}'s warnings:\n{string.Join("\n", peer.Warnings)}"));
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// The seed refuses the outsider's connection, and the outsider sees its association fail: that attempt to join is
    /// over, and the outsider is a member of no cluster with the seed. (Waiting for a second refusal made the test
    /// flaky: under load Akka's gating and join back-off can put the retry past any bound.) Both waits stop early if
    /// the outsider gets in, so that the assertions below say so.
    /// </summary>
    public static async Task AssertCannotJoin(TestClusterNode seed, TestClusterNode outsider, Address seedAddress, string seedRefusal)
    {
        bool OutsiderGotIn() => seed.Cluster.State.Members.Count > 1;
        outsider.Cluster.Join(seedAddress);
        await seed.Until(() => seed.WarningsContaining(seedRefusal) >= 1 || OutsiderGotIn(), $"refusing the outsider ({seedRefusal})", outsider);
        await outsider.Until(() => outsider.FailedAssociationsWith(seedAddress) >= 1 || OutsiderGotIn(), "seeing its association with the seed fail", seed);

        Assert.Single(seed.Cluster.State.Members);
        Assert.False(seed.IsUpMember(outsider.Address));
        Assert.False(outsider.IsUpMember(outsider.Address));
        Assert.DoesNotContain(outsider.Cluster.State.Members, member => member.Address == seed.Address);
    }

    public async ValueTask DisposeAsync() => await System.Terminate();

    private void Record<TEvent>(Action<TEvent> record) =>
        System.EventStream.Subscribe(System.ActorOf(Props.Create(() => new EventRecorder<TEvent>(record))), typeof(TEvent));

    private sealed class EventRecorder<TEvent> : ReceiveActor
    {
        public EventRecorder(Action<TEvent> record) => Receive<TEvent>(record);
    }
}
