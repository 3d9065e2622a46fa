using System.Text;
using System.Text.Unicode;

namespace AttnRnnCluster.Model.Data;

/// <summary>Reads a user's data file as UTF-8, turning every way it can fail into a <see cref="DataFormatException"/>.</summary>
internal static class DataFile
{
    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>The file's bytes after a UTF-8 byte order mark, if any; fails on a missing, unreadable, empty or non-UTF-8 file.</summary>
    public static ReadOnlyMemory<byte> ReadUtf8(string path)
    {
        byte[] bytes = ReadAllBytes(path);
        int start = bytes.AsSpan().StartsWith(ByteOrderMark) ? ByteOrderMark.Length : 0;
        if (bytes.Length == start) throw new DataFormatException(path, null, "the file is empty");
        if (!Utf8.IsValid(bytes.AsSpan(start))) throw InvalidUtf8(path, bytes, start);
        return bytes.AsMemory(start);
    }

    /// <summary>The Unicode scalar values (code points) of a file, decoded by <see cref="ReadUtf8"/>.</summary>
    public static int[] ReadCodePoints(string path)
    {
        ReadOnlySpan<byte> text = ReadUtf8(path).Span;
        var codePoints = new int[Encoding.UTF8.GetCharCount(text)];
        int count = 0;
        while (!text.IsEmpty)
        {
            Rune.DecodeFromUtf8(text, out Rune rune, out int consumed);
            codePoints[count++] = rune.Value;
            text = text[consumed..];
        }
        return codePoints[..count];
    }

    private static byte[] ReadAllBytes(string path)
    {
        if (Directory.Exists(path)) throw new DataFormatException(path, null, "is a directory; expected a file");
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataFormatException(path, null, "no such file", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, null, $"cannot read the file: {e.Message}", e);
        }
    }

    private static DataFormatException InvalidUtf8(string path, byte[] bytes, int start)
    {
        int offset = start;
        ReadOnlySpan<byte> rest = bytes.AsSpan(start);
        while (Rune.DecodeFromUtf8(rest, out _, out int consumed) == System.Buffers.OperationStatus.Done)
        {
            offset += consumed;
            rest = rest[consumed..];
        }
        long line = 1 + bytes.AsSpan(0, offset).Count((byte)'\n');
        return new DataFormatException(path, line,
            $"invalid UTF-8 at byte offset {offset} (byte 0x{bytes[offset]:X2}); expected UTF-8 text");
    }
}
