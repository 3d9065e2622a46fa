namespace AttnRnnCluster.Coordinator.Run;

/// <summary>A checkpoint could not be written (a full disk, a lost mount, no permission); the message says which and why.</summary>
public sealed class CheckpointWriteException(string message, Exception inner) : IOException(message, inner);
