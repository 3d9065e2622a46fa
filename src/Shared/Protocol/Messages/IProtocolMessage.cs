namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// Marker for every message of the training protocol, between coordinator and workers. <see cref="Formats.ProtocolSerializer"/>
/// is bound to this interface, so a message that does not implement it never reaches the wire by accident.
/// </summary>
public interface IProtocolMessage;
