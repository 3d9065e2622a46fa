using System.Globalization;
using Akka.Configuration;

namespace AttnRnnCluster.Shared.Transfer;

/// <summary>
/// The chunked transfer's knobs, from HOCON section <c>attnrnn.transfer</c>. A serialized message larger than
/// <paramref name="ChunkSize"/> travels in chunks of that size with at most <paramref name="Window"/> of them
/// unacknowledged; a transfer with no progress for <paramref name="Timeout"/> is abandoned by both sides;
/// the receiver refuses payloads above <paramref name="MaxPayloadBytes"/> before allocating anything.
/// </summary>
public sealed record TransferSettings(int ChunkSize, int Window, TimeSpan Timeout, long MaxPayloadBytes)
{
    public const string Section = "attnrnn.transfer";
    public const int MinChunkSize = 1024;
    public const int MaxChunkSize = 256 * 1024;

    /// <summary>
    /// Room a remote frame needs beyond a chunk's bytes: the chunk's header (two actor paths, a manifest) and
    /// Akka's envelope (recipient and sender paths, serializer id, manifest). Paths are far shorter than this.
    /// </summary>
    public const int FrameReserve = 16 * 1024;

    /// <summary>
    /// 64 KiB chunks stay below .NET's large-object threshold (85,000 bytes) through every copy Akka makes, which
    /// measured no slower than 256 KiB and spares the GC; 32 of them in flight keep the pipe full (docs/protocol.md).
    /// </summary>
    public static readonly TransferSettings Default = new(64 * 1024, Window: 32, TimeSpan.FromSeconds(60), MaxPayloadBytes: 1L << 30);

    /// <summary>Reads <c>attnrnn.transfer</c>; absent keys take <see cref="Default"/>'s values; bad ones are errors naming the key.</summary>
    public static TransferSettings FromConfig(Config config)
    {
        var section = config.GetConfig(Section) ?? Config.Empty;
        var settings = new TransferSettings(
            ChunkSize: (int)Math.Min(int.MaxValue, section.GetByteSize("chunk-size", Default.ChunkSize) ?? Default.ChunkSize),
            Window: section.GetInt("window", Default.Window),
            Timeout: section.GetTimeSpan("timeout", Default.Timeout),
            MaxPayloadBytes: section.GetByteSize("max-payload-size", Default.MaxPayloadBytes) ?? Default.MaxPayloadBytes);
        settings.Validate();
        return settings;
    }

    /// <summary>The smallest <c>akka.remote.dot-netty.tcp.maximum-frame-size</c> these settings need.</summary>
    public int RequiredFrameSize => ChunkSize + FrameReserve;

    public void Validate()
    {
        if (ChunkSize is < MinChunkSize or > MaxChunkSize)
            throw Bad("chunk-size", $"{ChunkSize}b", $"{MinChunkSize}b..{MaxChunkSize}b (small enough that heartbeats interleave)");
        if (Window < 1)
            throw Bad("window", Window.ToString(CultureInfo.InvariantCulture), "at least 1");
        if (Timeout <= TimeSpan.Zero)
            throw Bad("timeout", Timeout.ToString(), "a positive duration");
        if (MaxPayloadBytes < ChunkSize || MaxPayloadBytes > Array.MaxLength)
            throw Bad("max-payload-size", $"{MaxPayloadBytes}b", $"chunk-size..{Array.MaxLength}b");
    }

    public string ToHocon() => FormattableString.Invariant($$"""
        {{Section}} {
          chunk-size = {{ChunkSize}}b
          window = {{Window}}
          timeout = {{(long)Timeout.TotalMilliseconds}}ms
          max-payload-size = {{MaxPayloadBytes}}b
        }
        """);

    private static ConfigurationException Bad(string key, string value, string expected) =>
        new($"{Section}.{key} = {value}: expected {expected}.");
}
