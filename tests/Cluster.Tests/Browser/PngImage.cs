using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace AttnRnnCluster.Cluster.Tests.Browser;

/// <summary>
/// The pixels of a PNG as Chromium writes its screenshots: 8 bits per channel, RGB or RGBA, not interlaced. The
/// image data (IDAT chunks) is zlib (ZLibStream inflates it); each row starts with its filter (PNG spec, section 9),
/// undone here. Enough to ask which colours a screenshot has where; no image library needed.
/// </summary>
public sealed class PngImage
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];
    private readonly byte[] _pixels;
    private readonly int _channels;

    private PngImage(int width, int height, int channels, byte[] pixels)
    {
        Width = width;
        Height = height;
        _channels = channels;
        _pixels = pixels;
    }

    public int Width { get; }
    public int Height { get; }

    public (byte R, byte G, byte B) Pixel(int x, int y)
    {
        int at = (y * Width + x) * _channels;
        return (_pixels[at], _pixels[at + 1], _pixels[at + 2]);
    }

    public static PngImage Read(byte[] file)
    {
        if (file.Length < 8 || !file.AsSpan(0, 8).SequenceEqual(Signature)) throw new InvalidDataException("not a PNG");
        int width = 0, height = 0, channels = 0;
        using var compressed = new MemoryStream();
        for (int at = 8; at + 12 <= file.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            string type = Encoding.ASCII.GetString(file, at + 4, 4);
            var data = file.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                (byte depth, byte colour, byte interlace) = (data[8], data[9], data[12]);
                if (depth != 8 || interlace != 0 || colour is not (2 or 6))
                    throw new InvalidDataException($"only 8-bit RGB/RGBA PNGs without interlace are read (depth {depth}, colour type {colour}, interlace {interlace})");
                channels = colour == 2 ? 3 : 4;
            }
            else if (type == "IDAT")
            {
                compressed.Write(data);
            }
            else if (type == "IEND")
            {
                break;
            }
            at += 12 + length;
        }
        if (channels == 0) throw new InvalidDataException("no IHDR chunk");
        compressed.Position = 0;
        int stride = width * channels;
        byte[] raw = new byte[(stride + 1) * height];
        using (var inflate = new ZLibStream(compressed, CompressionMode.Decompress)) inflate.ReadExactly(raw);
        return new PngImage(width, height, channels, Unfilter(raw, stride, height, channels));
    }

    private static byte[] Unfilter(byte[] raw, int stride, int height, int bpp)
    {
        byte[] pixels = new byte[stride * height];
        for (int y = 0; y < height; y++)
        {
            byte filter = raw[y * (stride + 1)];
            var line = raw.AsSpan(y * (stride + 1) + 1, stride);
            var row = pixels.AsSpan(y * stride, stride);
            var up = y > 0 ? pixels.AsSpan((y - 1) * stride, stride) : new byte[stride];
            for (int i = 0; i < stride; i++)
            {
                int left = i >= bpp ? row[i - bpp] : 0, above = up[i], corner = i >= bpp ? up[i - bpp] : 0;
                int predicted = filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => above,
                    3 => (left + above) / 2,
                    4 => Paeth(left, above, corner),
                    _ => throw new InvalidDataException($"unknown PNG filter {filter} in row {y}"),
                };
                row[i] = (byte)(line[i] + predicted);
            }
        }
        return pixels;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
