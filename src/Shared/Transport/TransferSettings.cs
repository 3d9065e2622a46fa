using System.Globalization;
using Akka.Configuration;

namespace AttnRnnCluster.Transport;

/// <summary>
/// The transfer's knobs, from HOCON section <c>attnrnn.transfer</c>. A serialized message larger than
/// <paramref name="ChunkSize"/> travels in chunks of that size with at most <paramref name="Window"/> of them
/// unacknowledged; a transfer with no progress for <paramref name="Timeout"/> is abandoned by both sides;
/// the receiver refuses payloads above <paramref name="MaxPayloadBytes"/> before allocating anything.
/// One of at least <see cref="BulkThreshold"/> bytes goes over the bulk channel instead (a plain TCP stream the
/// receiver fetches from the sender's <see cref="BulkServer"/>), unless <see cref="BulkChannel"/> is off.
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

    /// <summary>Whether this node offers large payloads over the bulk channel and fetches those offered to it.</summary>
    public bool BulkChannel { get; init; } = true;

    /// <summary>
    /// Whether this node sends messages below <see cref="BulkThreshold"/> to another node on a message lane (a TCP connection of
    /// their own to that node's bulk server, see <see cref="MessageLanes"/>) instead of through Akka.Remote, and
    /// accepts lanes from other nodes. A node whose bulk channel is off accepts none.
    /// </summary>
    public bool Lanes { get; init; } = true;

    /// <summary>Serialized messages of at least this many bytes go over the bulk channel; smaller ones in chunks.</summary>
    public int BulkThreshold { get; init; } = 1 << 20;

    /// <summary>The bulk server's port, on the address Akka.Remote binds; 0 takes any free port.</summary>
    public int BulkPort { get; init; }

    /// <summary>How long a receiver waits to connect to a sender's bulk server (and for its TLS handshake and answer).</summary>
    public TimeSpan BulkConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The memory this node holds at once for incoming transfers (chunked and bulk), all peers together; each peer
    /// gets a quarter (<see cref="MaxIncomingPerPeerBytes"/>). 1 GiB by default: the largest message of a real model
    /// is its weights or a gradient (tens of MB at H=1024), and a peer rarely has more than two in flight to a node.
    /// </summary>
    public long MaxIncomingBytes { get; init; } = DefaultMaxIncomingBytes;

    public const long DefaultMaxIncomingBytes = 1L << 30;

    /// <summary>What one peer (a node, by address) may hold of <see cref="MaxIncomingBytes"/> at once.</summary>
    public long MaxIncomingPerPeerBytes => MaxIncomingBytes / PeersSharingIncoming;

    /// <summary>Peers that may fill the incoming memory together, each its share.</summary>
    public const int PeersSharingIncoming = 4;

    /// <summary>
    /// A message lane that carries nothing for this long is closed by its receiving node (the sender opens a new one
    /// when it next needs it, and meanwhile sends over Akka). Ten minutes: far above any gap of a training run (a worker
    /// computing beats every few seconds; the coordinator sends weights every step), yet a lane left open by a peer that
    /// stopped sending does not hold its connection slot for ever.
    /// </summary>
    public TimeSpan LaneIdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How many bytes a sealed lane carries under one key before its sender opens a new lane, with a new key
    /// (<c>lane-key-size</c>; at most <see cref="LaneSeal.BytesPerKey"/>, the default; tests shorten it to see keys renewed).
    /// </summary>
    public long LaneKeyBytes { get; init; } = LaneSeal.BytesPerKey;

    /// <summary>The smallest <see cref="LaneKeyBytes"/>: a lane renewed at every few messages would spend its time opening.</summary>
    public const long MinLaneKeyBytes = 64 * 1024;

    /// <summary>Reads <c>attnrnn.transfer</c>; absent keys take <see cref="Default"/>'s values; bad ones are errors naming the key.</summary>
    public static TransferSettings FromConfig(Config config)
    {
        var section = config.GetConfig(Section) ?? Config.Empty;
        var settings = new TransferSettings(
            ChunkSize: ByteSize(section, "chunk-size", Default.ChunkSize),
            Window: section.GetInt("window", Default.Window),
            Timeout: section.GetTimeSpan("timeout", Default.Timeout),
            MaxPayloadBytes: section.GetByteSize("max-payload-size", Default.MaxPayloadBytes) ?? Default.MaxPayloadBytes)
        {
            BulkChannel = OnOff(section, "bulk-channel", Default.BulkChannel),
            Lanes = OnOff(section, "lanes", Default.Lanes),
            BulkThreshold = ByteSize(section, "bulk-threshold", Default.BulkThreshold),
            BulkPort = section.GetInt("bulk-port", Default.BulkPort),
            BulkConnectTimeout = section.GetTimeSpan("bulk-connect-timeout", Default.BulkConnectTimeout),
            MaxIncomingBytes = section.GetByteSize("max-incoming-size", Default.MaxIncomingBytes) ?? Default.MaxIncomingBytes,
            LaneIdleTimeout = section.GetTimeSpan("lane-idle-timeout", Default.LaneIdleTimeout),
            LaneKeyBytes = section.GetByteSize("lane-key-size", Default.LaneKeyBytes) ?? Default.LaneKeyBytes,
        };
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
        if (BulkThreshold < ChunkSize)
            throw Bad("bulk-threshold", $"{BulkThreshold}b", $"at least chunk-size ({ChunkSize}b): smaller messages go in one frame");
        if (BulkPort is < 0 or > 65535)
            throw Bad("bulk-port", BulkPort.ToString(CultureInfo.InvariantCulture), "0 (any free port) or a TCP port 1..65535");
        if (BulkConnectTimeout <= TimeSpan.Zero)
            throw Bad("bulk-connect-timeout", BulkConnectTimeout.ToString(), "a positive duration");
        if (MaxIncomingPerPeerBytes < ChunkSize)
            throw Bad("max-incoming-size", $"{MaxIncomingBytes}b", $"at least {PeersSharingIncoming} x chunk-size ({PeersSharingIncoming * (long)ChunkSize}b): each peer gets a quarter");
        if (LaneIdleTimeout <= TimeSpan.Zero)
            throw Bad("lane-idle-timeout", LaneIdleTimeout.ToString(), "a positive duration");
        if (LaneKeyBytes is < MinLaneKeyBytes or > LaneSeal.BytesPerKey)
            throw Bad("lane-key-size", $"{LaneKeyBytes}b", $"{MinLaneKeyBytes}b..{LaneSeal.BytesPerKey}b (AES-GCM's limit per key, with a margin)");
    }

    public string ToHocon() => FormattableString.Invariant($$"""
        {{Section}} {
          chunk-size = {{ChunkSize}}b
          window = {{Window}}
          timeout = {{(long)Timeout.TotalMilliseconds}}ms
          max-payload-size = {{MaxPayloadBytes}}b
          bulk-channel = {{(BulkChannel ? "on" : "off")}}
          lanes = {{(Lanes ? "on" : "off")}}
          bulk-threshold = {{BulkThreshold}}b
          bulk-port = {{BulkPort}}
          bulk-connect-timeout = {{(long)BulkConnectTimeout.TotalMilliseconds}}ms
          max-incoming-size = {{MaxIncomingBytes}}b
          lane-idle-timeout = {{(long)LaneIdleTimeout.TotalMilliseconds}}ms
          lane-key-size = {{LaneKeyBytes}}b
        }
        """);

    private static int ByteSize(Config section, string key, int fallback) =>
        (int)Math.Min(int.MaxValue, section.GetByteSize(key, fallback) ?? fallback);

    /// <summary>HOCON's booleans (on/off, true/false, yes/no), with an error naming the key for anything else.</summary>
    private static bool OnOff(Config section, string key, bool fallback)
    {
        if (!section.HasPath(key))
            return fallback;
        var value = section.GetString(key);
        return value?.ToLowerInvariant() switch
        {
            "on" or "true" or "yes" => true,
            "off" or "false" or "no" => false,
            _ => throw Bad(key, $"'{value}'", "on or off"),
        };
    }

    private static ConfigurationException Bad(string key, string value, string expected) =>
        new($"{Section}.{key} = {value}: expected {expected}.");
}
