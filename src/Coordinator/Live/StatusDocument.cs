using System.Text.Json;

namespace AttnRnnCluster.Coordinator.Live;

/// <summary>
/// The board's snapshot as JSON bytes, serialized again only when the board has changed: a page polling every
/// second, or many of them, costs a version check per request.
/// </summary>
public sealed class StatusDocument(RunBoard board)
{
    private readonly Lock _lock = new();
    private (long Version, byte[] Json)? _cached;

    public byte[] Json()
    {
        long version = board.Version;
        lock (_lock)
        {
            if (_cached is { } cached && cached.Version == version) return cached.Json;
        }
        var snapshot = board.Snapshot();
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(snapshot, RunStatusJson.Default.RunStatus);
        lock (_lock)
        {
            if (_cached is not { } newer || newer.Version < snapshot.Version) _cached = (snapshot.Version, json);
        }
        return json;
    }
}
