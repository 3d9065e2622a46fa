namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// Worker → coordinator: the handshake. <paramref name="Capacity"/> is how many shards the worker wants
/// queued at once (one computing, the rest waiting), its pull window. <paramref name="WorkerIdentity"/> is the worker
/// process's own name for itself, made at random when the process starts and kept for its lifetime, whatever port or
/// actor it rejoins from: with its host it is what the coordinator excludes a misbehaving worker by
/// (<see cref="NewWorkerIdentity"/>). Anyone who may join can mint new ones: it names a process, it proves nothing.
/// </summary>
public sealed record RegisterWorker(
    string WorkerName,
    int ProtocolRevision,
    string TorchSharpVersion,
    string LibTorchVersion,
    int Threads,
    int Capacity,
    string WorkerIdentity) : IProtocolMessage
{
    /// <summary>The longest <see cref="WorkerIdentity"/> a coordinator reads (a new one is 32 characters).</summary>
    public const int MaxIdentityLength = 64;

    /// <summary>The longest worker name, and version string, a coordinator reads (in UTF-8 bytes).</summary>
    public const int MaxNameBytes = 256;

    /// <summary>A fresh identity: 32 random hexadecimal digits.</summary>
    public static string NewWorkerIdentity() => Guid.NewGuid().ToString("N");

    /// <summary>Null when <paramref name="identity"/> may be a worker identity: 1 to 64 ASCII letters, digits, '-', '_' or '.'.</summary>
    public static string? IdentityProblem(string identity) =>
        identity.Length is < 1 or > MaxIdentityLength ? $"is {identity.Length} characters long, expected 1..{MaxIdentityLength}"
        : identity.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? null
        : "has a character other than ASCII letters, digits, '-', '_' and '.'";
}
