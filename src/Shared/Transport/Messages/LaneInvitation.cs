namespace AttnRnnCluster.Transport;

/// <summary>
/// Answer to <see cref="LaneRequest"/>: connect to this node's bulk server at <paramref name="Host"/>:<paramref name="Port"/>
/// and present <paramref name="Token"/> (<see cref="BulkWire.TokenLength"/> random bytes, good for one connection).
/// </summary>
public sealed record LaneInvitation(long Attempt, string Host, int Port, byte[] Token) : ITransportMessage
{
    public string Endpoint => $"{Host}:{Port}";
}
