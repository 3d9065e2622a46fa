namespace AttnRnnCluster.Worker.Training;

/// <summary>
/// The gradients a worker computed and keeps until the step they belong to is applied (the chain data plane): the
/// worker thread puts them in, its relay reads them when the step's plan comes. Dropped once newer weights are loaded.
/// Memory: one model's gradient per shard this worker computed of the current step (and of the next one, handed out
/// ahead).
/// </summary>
public sealed class KeptGradients
{
    private readonly Dictionary<(long Version, int Shard), float[]> _gradients = [];
    private readonly Lock _lock = new();

    public void Keep(long version, int shard, float[] gradient)
    {
        lock (_lock) _gradients[(version, shard)] = gradient;
    }

    public float[]? Find(long version, int shard)
    {
        lock (_lock) return _gradients.GetValueOrDefault((version, shard));
    }

    /// <summary>Forgets the gradients of steps before <paramref name="version"/>: their step has been applied.</summary>
    public void DropBefore(long version)
    {
        lock (_lock)
        {
            foreach (var key in _gradients.Keys.Where(k => k.Version < version).ToList()) _gradients.Remove(key);
        }
    }

    public int Count
    {
        get { lock (_lock) return _gradients.Count; }
    }
}
