namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// The chain data plane, at the coordinator: the last hop's segments of a step's sum, put together. Only the plan's last
/// hop may send them; a segment must sit where the plan's segments do and have their length; a second copy of one is
/// ignored. The buffer is reused from step to step (the loop reads the sum while it applies the step, and no longer).
/// </summary>
public sealed class RelayedSum
{
    private float[] _buffer = [];
    private bool[] _arrived = [];
    private int _count;

    public long Version { get; private set; } = -1;
    public int Attempt { get; private set; } = -1;
    public int Hops { get; private set; }
    public string? LastHopPath { get; private set; }
    public int SegmentLength { get; private set; }

    /// <summary>Expects the sum of a new plan (a newer attempt or step replaces the one before).</summary>
    public void Expect(long version, int attempt, int hops, string lastHopPath, int parameterCount, int segmentLength)
    {
        if (_buffer.Length != parameterCount) _buffer = new float[parameterCount];
        Version = version;
        Attempt = attempt;
        Hops = hops;
        LastHopPath = lastHopPath;
        SegmentLength = segmentLength;
        _arrived = new bool[(parameterCount + segmentLength - 1) / segmentLength];
        _count = 0;
    }

    /// <summary>
    /// Takes a segment; returns the whole sum when this one completed it, else null. <paramref name="problem"/> says why a
    /// segment was refused (null: taken, or a duplicate or a segment of an older plan, which are ignored quietly).
    /// </summary>
    public float[]? Take(string senderPath, long version, int attempt, int hop, int offset, float[] values, out string? problem)
    {
        problem = null;
        if (version != Version || attempt != Attempt) return null;
        if (senderPath != LastHopPath || hop != Hops)
        {
            problem = $"a segment of the sum of step {version + 1} for hop {hop} from {senderPath}; the plan's last hop is {LastHopPath} (hop {Hops})";
            return null;
        }
        int index = offset / SegmentLength;
        if (offset < 0 || offset % SegmentLength != 0 || index >= _arrived.Length || values.Length != Math.Min(SegmentLength, _buffer.Length - offset))
        {
            problem = $"a segment of the sum of step {version + 1} at offset {offset} of {values.Length} values, which does not fit the plan's {_arrived.Length} segments of {SegmentLength}";
            return null;
        }
        if (_arrived[index]) return null;
        _arrived[index] = true;
        values.CopyTo(_buffer, offset);
        if (++_count < _arrived.Length) return null;
        Version = -1;
        return _buffer;
    }
}
