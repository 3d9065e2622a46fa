namespace AttnRnnCluster.Protocol.Wire;

/// <summary>
/// When work over one large buffer (a copy of a tensor, a checksum of a payload) is split across the cores: from
/// <see cref="FromBytes"/> on, into one piece per core but none under half of that. Below it, starting the pieces
/// costs more than they save, and every message of a small model stays on its calling thread.
/// </summary>
public static class CoreSplit
{
    public const int FromBytes = 8 << 20;

    public static int Pieces(int length) =>
        length < FromBytes ? 1 : Math.Max(1, Math.Min(Environment.ProcessorCount, length / (FromBytes / 2)));
}
