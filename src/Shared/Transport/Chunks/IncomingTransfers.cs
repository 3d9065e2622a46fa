namespace AttnRnnCluster.Transport;

/// <summary>
/// The transfers a node is receiving, keyed by the sending actor and transfer id. Before a transfer starts, its
/// header is checked against what was agreed: a chunk size in the range every node uses, a total length within
/// <paramref name="maxPayloadBytes"/>, at most <see cref="MaxActivePerPeer"/> transfers of one peer at once, and its
/// length reserved against <paramref name="budget"/> (per peer and in total), which it gives back when it ends.
/// A finished transfer (completed or rejected) leaves a tombstone so its straggling chunks are ignored rather than
/// starting a new assembly (at most <see cref="MaxTombstones"/>: the oldest go first); an unfinished one that
/// receives nothing for the timeout is reported as stalled and dropped.
/// Time is passed in (milliseconds on any monotonic clock) so the expiry rules are testable without waiting.
/// </summary>
public sealed class IncomingTransfers(long maxPayloadBytes, TimeSpan timeout, IncomingBudget budget, int minChunkSize = TransferSettings.MinChunkSize)
{
    /// <summary>Transfers of one peer being assembled at once; a real node has a few (one per large message in flight).</summary>
    public const int MaxActivePerPeer = 256;

    /// <summary>Finished transfers remembered; each is a few dozen bytes.</summary>
    public const int MaxTombstones = 4096;

    private readonly Dictionary<(string Sender, long TransferId), Entry> _entries = [];
    private readonly Dictionary<string, int> _activeByPeer = [];
    private int _tombstones;

    /// <summary>Without a budget of its own: the limits are those of <paramref name="maxPayloadBytes"/> alone (tests).</summary>
    public IncomingTransfers(long maxPayloadBytes, TimeSpan timeout)
        : this(maxPayloadBytes, timeout, new IncomingBudget(long.MaxValue, long.MaxValue), minChunkSize: 1)
    {
    }

    public static IncomingTransfers For(TransferSettings settings, IncomingBudget budget) =>
        new(settings.MaxPayloadBytes, settings.Timeout, budget);

    /// <summary>Transfers still being assembled.</summary>
    public int ActiveCount => _entries.Values.Count(e => e.Assembly != null);

    /// <summary>Entries held, tombstones included.</summary>
    public int EntryCount => _entries.Count;

    /// <summary>Adds a chunk from <paramref name="sender"/> (an actor path with uid) of node <paramref name="peer"/>.</summary>
    public ChunkReceipt Add(string sender, string peer, PayloadChunk chunk, long nowMilliseconds)
    {
        var key = (sender, chunk.Header.TransferId);
        if (!_entries.TryGetValue(key, out var entry))
        {
            var started = Start(chunk.Header, peer, out var problem);
            entry = new Entry(started, peer) { LastActivity = nowMilliseconds };
            _entries[key] = entry;
            if (started == null)
            {
                BecameTombstone();
                return ChunkReceipt.Rejected(problem!);
            }
        }
        entry.LastActivity = nowMilliseconds;
        if (entry.Assembly == null)
            return ChunkReceipt.Ignored;

        var receipt = entry.Assembly.Add(chunk);
        if (receipt.Status is ChunkStatus.Completed or ChunkStatus.Rejected)
        {
            Finish(entry);
            BecameTombstone();
        }
        return receipt;
    }

    /// <summary>Drops what has been quiet for the timeout; returns the unfinished ones among them.</summary>
    public IReadOnlyList<StalledTransfer> Expire(long nowMilliseconds)
    {
        var stalled = new List<StalledTransfer>();
        foreach (var (key, entry) in _entries.Where(e => nowMilliseconds - e.Value.LastActivity >= timeout.TotalMilliseconds).ToList())
        {
            _entries.Remove(key);
            if (entry.Assembly == null)
            {
                _tombstones--;
                continue;
            }
            stalled.Add(new StalledTransfer(key.Sender, entry.Assembly.Header, entry.Assembly.ReceivedCount, entry.Assembly.Count));
            Finish(entry);
        }
        return stalled;
    }

    private PayloadAssembly? Start(PayloadHeader header, string peer, out string? problem)
    {
        problem = header.ChunkSize < minChunkSize
            ? $"chunk size {header.ChunkSize} is below {minChunkSize}, the smallest any node sends"
            : _activeByPeer.GetValueOrDefault(peer) >= MaxActivePerPeer
                ? $"{peer} already has {MaxActivePerPeer} transfers under way to this node"
                : header.Layout.Problem(maxPayloadBytes) ?? budget.TryReserve(peer, header.TotalLength);
        if (problem != null)
            return null;
        _activeByPeer[peer] = _activeByPeer.GetValueOrDefault(peer) + 1;
        return PayloadAssembly.Start(header, maxPayloadBytes, out problem);
    }

    /// <summary>Gives back what the transfer held; its entry becomes a tombstone.</summary>
    private void Finish(Entry entry)
    {
        budget.Release(entry.Peer, entry.Assembly!.Header.TotalLength);
        if (--_activeByPeer[entry.Peer] == 0)
            _activeByPeer.Remove(entry.Peer);
        entry.Assembly = null;
    }

    /// <summary>Counts a new tombstone; beyond the cap, forgets the oldest half of them.</summary>
    private void BecameTombstone()
    {
        if (++_tombstones <= MaxTombstones)
            return;
        foreach (var (key, _) in _entries.Where(e => e.Value.Assembly == null).OrderBy(e => e.Value.LastActivity).Take(MaxTombstones / 2).ToList())
        {
            _entries.Remove(key);
            _tombstones--;
        }
    }

    private sealed class Entry(PayloadAssembly? assembly, string peer)
    {
        /// <summary>Null once the transfer has finished (the entry is then a tombstone).</summary>
        public PayloadAssembly? Assembly { get; set; } = assembly;

        /// <summary>The sending node, whose share of the budget the transfer holds.</summary>
        public string Peer { get; } = peer;

        public long LastActivity { get; set; }
    }
}

/// <summary>A transfer dropped because its chunks stopped coming.</summary>
public sealed record StalledTransfer(string Sender, PayloadHeader Header, int ReceivedChunks, int ChunkCount);
