namespace AttnRnnCluster.Protocol.Wire;

/// <summary>
/// One message type's wire format: its manifest (a short stable name, never the CLR type name), the version of
/// its layout (the first byte of every encoded message) and the code that writes and reads the fields after it.
/// Changing a layout means a new version number; a node refuses versions it does not read.
/// </summary>
public sealed class MessageFormat
{
    private readonly Action<WireWriter, object> _write;
    private readonly Func<WireReader, object> _read;
    private readonly (byte Version, Func<WireReader, object> Read)? _older;

    private MessageFormat(string manifest, Type type, byte version,
        Action<WireWriter, object> write, Func<WireReader, object> read, (byte, Func<WireReader, object>)? older = null)
    {
        Manifest = manifest;
        Type = type;
        Version = version;
        _write = write;
        _read = read;
        _older = older;
    }

    public static MessageFormat Of<T>(string manifest, byte version,
        Action<WireWriter, T> write, Func<WireReader, T> read) where T : class =>
        new(manifest, typeof(T), version, (writer, message) => write(writer, (T)message), read);

    /// <summary>
    /// This format, also reading the layout of an older <paramref name="version"/> (never writing it): for a handshake
    /// that must still reach the point where it refuses an older node with the reason, instead of failing to decode.
    /// </summary>
    public MessageFormat AlsoReading<T>(byte version, Func<WireReader, T> read) where T : class =>
        new(Manifest, Type, Version, _write, _read, (version, read));

    public string Manifest { get; }

    public Type Type { get; }

    public byte Version { get; }

    /// <summary>How errors name the message, e.g. "WeightsUpdate (manifest 'wu')".</summary>
    public string Description => $"{Type.Name} (manifest '{Manifest}')";

    /// <summary>The version byte, then the fields.</summary>
    public void Write(WireWriter writer, object message)
    {
        writer.WriteByte(Version);
        _write(writer, message);
    }

    /// <summary>Checks the version byte, reads the fields and insists every byte was used.</summary>
    public object Read(WireReader reader)
    {
        var version = reader.ReadByte("(format version)");
        var read = version == Version ? _read
            : _older is { } older && older.Version == version ? older.Read
            : throw reader.Malformed("(format version)", $"is {version}; this node reads version {Version}{(_older is { } o ? $" and {o.Version}" : "")} only");
        var message = read(reader);
        reader.ExpectEnd();
        return message;
    }
}
