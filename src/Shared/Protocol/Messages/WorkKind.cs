namespace AttnRnnCluster.Protocol.Messages;

/// <summary>What a shard asks for: a gradient (training) or only the loss (evaluation on held-out data).</summary>
public enum WorkKind : byte
{
    Train = 1,
    Evaluate = 2,
}
