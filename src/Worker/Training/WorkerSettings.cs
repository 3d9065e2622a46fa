namespace AttnRnnCluster.Worker.Training;

/// <summary>
/// How a worker actor behaves. <see cref="InjectedDelay"/> is a fault-injection aid for tests and drills:
/// every shard is held that much longer, so the coordinator's straggler handling can be seen at work;
/// <see cref="InjectedRelayDelay"/> holds each step's sum that much longer at its relay (the chain data plane);
/// <see cref="InjectedFault"/> makes it fail or corrupt its results (see <see cref="WorkerFault"/>).
/// <see cref="Identity"/> is what the worker registers as (<see cref="Protocol.Messages.RegisterWorker.WorkerIdentity"/>):
/// a worker process makes one at start and keeps it across rejoins; null: the actor makes its own.
/// </summary>
public sealed record WorkerSettings(
    string Name,
    int Threads = 1,
    int Capacity = 2,
    TimeSpan InjectedDelay = default,
    WorkerFault InjectedFault = WorkerFault.None,
    string? Identity = null,
    TimeSpan InjectedRelayDelay = default);
