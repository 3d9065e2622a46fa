namespace AttnRnnCluster.Hosting;

/// <summary>A port a node must listen on is already taken; the message names it and, when it can be known, its holder.</summary>
public sealed class PortTakenException(string message) : Exception(message);
