namespace AttnRnnCluster.Transport;

/// <summary>
/// The sender's flow control: at most <paramref name="window"/> chunks sent and not yet acknowledged, so the
/// connection never holds more than window × chunk size of one transfer ahead of other traffic (heartbeats).
/// </summary>
public sealed class ChunkWindow(int count, int window)
{
    private readonly bool[] _acknowledged = new bool[count];
    private int _nextToSend;
    private int _acknowledgedCount;

    public int AcknowledgedCount => _acknowledgedCount;

    public bool AllAcknowledged => _acknowledgedCount == count;

    /// <summary>The next chunk to send, while the window has room.</summary>
    public bool TryTakeNext(out int index)
    {
        index = _nextToSend;
        if (_nextToSend >= count || _nextToSend - _acknowledgedCount >= window)
            return false;
        _nextToSend++;
        return true;
    }

    /// <summary>False for an index never sent or already acknowledged (which then changes nothing).</summary>
    public bool Acknowledge(int index)
    {
        if (index < 0 || index >= _nextToSend || _acknowledged[index])
            return false;
        _acknowledged[index] = true;
        _acknowledgedCount++;
        return true;
    }
}
