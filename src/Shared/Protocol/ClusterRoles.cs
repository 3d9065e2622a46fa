namespace AttnRnnCluster.Protocol;

/// <summary>The Akka.Cluster role of each kind of node. The split-brain resolver keeps the side holding the coordinator.</summary>
public static class ClusterRoles
{
    public const string Coordinator = "coordinator";
    public const string Worker = "worker";
}
