namespace AttnRnnCluster.Worker.Training;

/// <summary>
/// Workers block their thread while TorchSharp computes; each gets a thread of its own so that Akka's
/// heartbeats, the coordinator and the other workers never wait behind a computation.
/// </summary>
public static class WorkerDispatcher
{
    public const string Id = "attnrnn.worker-dispatcher";

    public const string Hocon = """
        attnrnn.worker-dispatcher {
          type = PinnedDispatcher
          executor = thread-pool-executor
        }
        """;
}
