namespace AttnRnnCluster.Worker.Training;

/// <summary>
/// How a worker actor behaves. <see cref="InjectedDelay"/> is a fault-injection aid for tests and drills:
/// every shard is held that much longer, so the coordinator's straggler handling can be seen at work;
/// <see cref="InjectedFault"/> makes it fail or corrupt its results (see <see cref="WorkerFault"/>).
/// </summary>
public sealed record WorkerSettings(
    string Name,
    int Threads = 1,
    int Capacity = 2,
    TimeSpan InjectedDelay = default,
    WorkerFault InjectedFault = WorkerFault.None);
