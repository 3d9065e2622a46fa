namespace AttnRnnCluster.Protocol;

/// <summary>
/// The names nodes find each other by: the actor system's name, which every address carries
/// (akka.tcp://attnrnn@HOST:PORT), and the coordinator actor's name, which workers look up at the seed nodes.
/// </summary>
public static class ActorNames
{
    public const string System = "attnrnn";

    /// <summary>The coordinator actor: /user/coordinator on the coordinator's node.</summary>
    public const string Coordinator = "coordinator";
}
