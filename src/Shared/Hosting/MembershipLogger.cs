using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace AttnRnnCluster.Hosting;

/// <summary>
/// Says in the log who joined, who became unreachable or reachable again, and who left the cluster; and tells
/// <c>counted</c> (/metrics) the kind of each of those events.
/// </summary>
public sealed class MembershipLogger : ReceiveActor
{
    public const string Name = "membership-logger";
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public MembershipLogger(Action<string> counted)
    {
        Receive<ClusterEvent.MemberUp>(m =>
        {
            _log.Info("Cluster: {0} ({1}) is up", m.Member.Address, Roles(m.Member));
            counted("up");
        });
        Receive<ClusterEvent.UnreachableMember>(m =>
        {
            _log.Warning("Cluster: {0} ({1}) is unreachable", m.Member.Address, Roles(m.Member));
            counted("unreachable");
        });
        Receive<ClusterEvent.ReachableMember>(m =>
        {
            _log.Info("Cluster: {0} ({1}) is reachable again", m.Member.Address, Roles(m.Member));
            counted("reachable");
        });
        Receive<ClusterEvent.MemberRemoved>(m =>
        {
            _log.Info("Cluster: {0} ({1}) was removed (was {2})", m.Member.Address, Roles(m.Member), m.PreviousStatus);
            counted("removed");
        });
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
    }

    /// <param name="counted">Told the kind of each event logged; nothing by default.</param>
    public static Props Props(Action<string>? counted = null)
    {
        var tell = counted ?? Ignore;
        return Akka.Actor.Props.Create(() => new MembershipLogger(tell));
    }

    private static void Ignore(string kind)
    {
    }

    protected override void PreStart() =>
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    private static string Roles(Member member) => string.Join(",", member.Roles);
}
