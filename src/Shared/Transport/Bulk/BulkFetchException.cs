namespace AttnRnnCluster.Transport;

/// <summary>
/// A payload could not be fetched over the bulk channel; the message says why. <see cref="CouldNotConnect"/> tells
/// a sender's bulk server that cannot be reached (refused, timed out: a firewall) from one that misbehaved.
/// </summary>
public sealed class BulkFetchException(string message, bool couldNotConnect = false, Exception? inner = null)
    : Exception(message, inner)
{
    public bool CouldNotConnect { get; } = couldNotConnect;
}
