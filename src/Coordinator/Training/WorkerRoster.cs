using AttnRnnCluster.Protocol.Messages;

namespace AttnRnnCluster.Coordinator.Training;

/// <summary>One registered worker as the training loop sees it.</summary>
public sealed class WorkerEntry(WorkerId id, string name, string identity, string location, int capacity, long joinedAt)
{
    public WorkerId Id { get; } = id;
    public string Name { get; } = name;
    /// <summary>What identifies it across registrations, from any port (an excluded worker may not come back).</summary>
    public string Identity { get; } = identity;
    /// <summary>Where it runs, for the log: its node's address, or "in-process".</summary>
    public string Location { get; } = location;
    /// <summary>Its pull window: how many shards it is given at once (one computing, the rest queued).</summary>
    public int Capacity { get; } = capacity;
    /// <summary>Assignments sent and not yet answered, by (version, kind, shard).</summary>
    public HashSet<(long Version, WorkKind Kind, int Shard)> InFlight { get; } = [];
    public int BadResults { get; set; }
    /// <summary>The last time (a timestamp) anything came from it: registration, a result, a failure, a progress beat.</summary>
    public long LastHeard { get; set; } = joinedAt;
    /// <summary>True once it has been silent for the shard timeout; it gets no new work until it is heard from again.</summary>
    public bool Suspect { get; set; }
    /// <summary>Shards of training steps whose result was kept (for the worker table: TensorBoard, /metrics, the live page).</summary>
    public long ShardsDone { get; set; }
    /// <summary>Its latest shard's round trip (assignment to result) in ms; null before its first.</summary>
    public double? LastShardMs { get; set; }
    /// <summary>Room in its window counting everything it holds: for handing out the next step's shards ahead.</summary>
    public int FreeSlots => Suspect ? 0 : Math.Max(0, Capacity - InFlight.Count);

    /// <summary>
    /// Room in its window for shards of one round, counting only that round's. Shards of the next step held ahead
    /// cannot start before this step ends, so letting them keep this step's shards out would deadlock the step.
    /// Never negative: a straggler's backup can take a worker one over its window.
    /// </summary>
    public int FreeSlotsFor(long version, WorkKind kind) =>
        Suspect ? 0 : Math.Max(0, Capacity - InFlight.Count(k => k.Version == version && k.Kind == kind));

    public bool HoldsWorkOf(long version, WorkKind kind) => InFlight.Any(k => k.Version == version && k.Kind == kind);

    public string Describe() => $"{Name} ({Location})";
}

/// <summary>The registered workers, in registration order (the order work is handed out in), and the excluded ones.</summary>
public sealed class WorkerRoster
{
    /// <summary>
    /// The largest pull window a worker may ask for. A window only needs to hide the round trip between two shards;
    /// one that asks for hundreds would hoard a whole step's shards and leave the other workers idle.
    /// </summary>
    public const int MaxWindow = 16;

    private readonly List<WorkerEntry> _workers = [];
    private readonly HashSet<string> _excluded = [];

    public int Count => _workers.Count;
    public IReadOnlyList<WorkerEntry> All => _workers;

    public WorkerEntry? Find(WorkerId id) => _workers.Find(w => w.Id == id);

    public WorkerEntry Add(WorkerId id, string name, string identity, string location, int capacity, long now)
    {
        var entry = new WorkerEntry(id, name, identity, location, Math.Clamp(capacity, 1, MaxWindow), now);
        _workers.Add(entry);
        return entry;
    }

    public void Remove(WorkerId id) => _workers.RemoveAll(w => w.Id == id);

    /// <summary>An excluded worker (too many bad results) may not register again with the same identity, from any port.</summary>
    public void Exclude(WorkerEntry worker)
    {
        _excluded.Add(worker.Identity);
        Remove(worker.Id);
    }

    public bool IsExcluded(string identity) => _excluded.Contains(identity);

    public int ExcludedCount => _excluded.Count;

    /// <summary>
    /// The worker table as of now, in registration order. Lateness is how much longer than the run's recent median its
    /// latest shard took (0 when it was not slower): the figure that names a slow worker on a dashboard.
    /// </summary>
    public IReadOnlyList<WorkerStatus> Table(double? medianShardMs) =>
        _workers.Select(w => new WorkerStatus(w.Name, w.Location, w.Suspect ? WorkerState.Silent : WorkerState.Active, w.ShardsDone,
            w.BadResults, w.LastShardMs, w.LastShardMs is { } ms && medianShardMs is { } median ? Math.Max(0, ms - median) : 0)).ToList();
}
