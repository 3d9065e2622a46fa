using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace AttnRnnCluster.Hosting;

/// <summary>Says in the log who joined, who became unreachable or reachable again, and who left the cluster.</summary>
public sealed class MembershipLogger : ReceiveActor
{
    public const string Name = "membership-logger";
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public MembershipLogger()
    {
        Receive<ClusterEvent.MemberUp>(m => _log.Info("Cluster: {0} ({1}) is up", m.Member.Address, Roles(m.Member)));
        Receive<ClusterEvent.UnreachableMember>(m => _log.Warning("Cluster: {0} ({1}) is unreachable", m.Member.Address, Roles(m.Member)));
        Receive<ClusterEvent.ReachableMember>(m => _log.Info("Cluster: {0} ({1}) is reachable again", m.Member.Address, Roles(m.Member)));
        Receive<ClusterEvent.MemberRemoved>(m => _log.Info("Cluster: {0} ({1}) was removed (was {2})", m.Member.Address, Roles(m.Member), m.PreviousStatus));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
    }

    public static Props Props() => Akka.Actor.Props.Create<MembershipLogger>();

    protected override void PreStart() =>
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    private static string Roles(Member member) => string.Join(",", member.Roles);
}
