namespace AttnRnnCluster.Transport;

/// <summary>
/// The transfers a node is receiving, keyed by the sending actor and transfer id. A finished transfer (completed
/// or rejected) leaves a tombstone so its straggling chunks are ignored rather than starting a new assembly;
/// an unfinished one that receives nothing for the timeout is reported as stalled and dropped.
/// Time is passed in (milliseconds on any monotonic clock) so the expiry rules are testable without waiting.
/// </summary>
public sealed class IncomingTransfers(long maxPayloadBytes, TimeSpan timeout)
{
    private readonly Dictionary<(string Sender, long TransferId), Entry> _entries = [];

    /// <summary>Transfers still being assembled.</summary>
    public int ActiveCount => _entries.Values.Count(e => e.Assembly != null);

    public ChunkReceipt Add(string sender, PayloadChunk chunk, long nowMilliseconds)
    {
        var key = (sender, chunk.Header.TransferId);
        if (!_entries.TryGetValue(key, out var entry))
        {
            var started = PayloadAssembly.Start(chunk.Header, maxPayloadBytes, out var problem);
            entry = new Entry(started);
            _entries[key] = entry;
            if (started == null)
                return ChunkReceipt.Rejected(problem!);
        }
        entry.LastActivity = nowMilliseconds;
        if (entry.Assembly == null)
            return ChunkReceipt.Ignored;

        var receipt = entry.Assembly.Add(chunk);
        if (receipt.Status is ChunkStatus.Completed or ChunkStatus.Rejected)
            entry.Assembly = null;
        return receipt;
    }

    /// <summary>Drops what has been quiet for the timeout; returns the unfinished ones among them.</summary>
    public IReadOnlyList<StalledTransfer> Expire(long nowMilliseconds)
    {
        var stalled = new List<StalledTransfer>();
        foreach (var (key, entry) in _entries.Where(e => nowMilliseconds - e.Value.LastActivity >= timeout.TotalMilliseconds).ToList())
        {
            _entries.Remove(key);
            if (entry.Assembly != null)
                stalled.Add(new StalledTransfer(key.Sender, entry.Assembly.Header, entry.Assembly.ReceivedCount, entry.Assembly.Count));
        }
        return stalled;
    }

    private sealed class Entry(PayloadAssembly? assembly)
    {
        /// <summary>Null once the transfer has finished (the entry is then a tombstone).</summary>
        public PayloadAssembly? Assembly { get; set; } = assembly;

        public long LastActivity { get; set; }
    }
}

/// <summary>A transfer dropped because its chunks stopped coming.</summary>
public sealed record StalledTransfer(string Sender, PayloadHeader Header, int ReceivedChunks, int ChunkCount);
