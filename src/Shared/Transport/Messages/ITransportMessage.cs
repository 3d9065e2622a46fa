namespace AttnRnnCluster.Transport;

/// <summary>
/// Marker for the transport's own control messages (chunks, offers, lane requests), which only transport actors send
/// and receive. <see cref="TransportSerializer"/> is bound to it; the training protocol never sees them.
/// </summary>
public interface ITransportMessage;
