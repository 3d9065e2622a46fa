namespace AttnRnnCluster.Http;

/// <summary>The HTTP surface could not listen where it was told (the port is taken, or not allowed).</summary>
public sealed class HttpSurfaceException(string message, Exception inner) : Exception(message, inner);
