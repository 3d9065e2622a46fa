using Akka.Actor;
using AttnRnnCluster.Protocol.Messages;

namespace AttnRnnCluster.Coordinator.Training;

/// <summary>One registered worker as the coordinator sees it.</summary>
public sealed class WorkerEntry(IActorRef actor, string name, int capacity, int threads)
{
    public IActorRef Actor { get; } = actor;
    public string Name { get; } = name;
    public int Capacity { get; } = capacity;
    public int Threads { get; } = threads;
    /// <summary>Assignments sent and not yet answered, by (version, kind, shard).</summary>
    public HashSet<(long Version, WorkKind Kind, int Shard)> InFlight { get; } = [];
    public int BadResults { get; set; }
    /// <summary>True while one of its shards has outlived the shard timeout; it gets no new work until it answers.</summary>
    public bool Suspect { get; set; }
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
    public string Describe() => $"{Name} ({Actor.Path.Address}{(Actor.Path.Address.HasGlobalScope ? "" : " in-process")})";
}

/// <summary>The registered workers, in registration order (the order work is handed out in).</summary>
public sealed class WorkerRoster
{
    private readonly List<WorkerEntry> _workers = [];
    private readonly HashSet<string> _excluded = [];

    public int Count => _workers.Count;
    public IReadOnlyList<WorkerEntry> All => _workers;

    public WorkerEntry? Find(IActorRef actor) => _workers.FirstOrDefault(w => w.Actor.Equals(actor));

    public WorkerEntry Add(IActorRef actor, string name, int capacity, int threads)
    {
        var entry = new WorkerEntry(actor, name, Math.Clamp(capacity, 1, 16), threads);
        _workers.Add(entry);
        return entry;
    }

    public bool Remove(IActorRef actor) => _workers.RemoveAll(w => w.Actor.Equals(actor)) > 0;

    /// <summary>Excluded workers (too many bad results) may not register again under the same address.</summary>
    public void Exclude(WorkerEntry worker)
    {
        _excluded.Add(worker.Actor.Path.ToString());
        Remove(worker.Actor);
    }

    public bool IsExcluded(IActorRef actor) => _excluded.Contains(actor.Path.ToString());
}
