using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AttnRnnCluster.Model.Checkpoints;

/// <summary>The contents of a safetensors file: its tensors in file order and its <c>__metadata__</c> strings.</summary>
public sealed record SafeTensorsContent(IReadOnlyList<NamedTensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// The safetensors format (https://huggingface.co/docs/safetensors): an 8-byte little-endian header length N,
/// N bytes of JSON (name -> {dtype, shape, data_offsets}, plus a <c>__metadata__</c> string map), padded with
/// spaces to a multiple of 8, then the tensors' bytes, little-endian, back to back. Written as F32; read from
/// F32 or F64 (weights made elsewhere), with every header field and offset checked.
/// </summary>
public static class SafeTensorsFile
{
    private const string MetadataKey = "__metadata__";
    private static readonly Dictionary<string, int> ReadableDtypes = new() { ["F32"] = 4, ["F64"] = 8 };

    /// <summary>Writes atomically (see <see cref="AtomicFile"/>): the old file survives any error.</summary>
    public static void Write(string path, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var header = new JsonObject { [MetadataKey] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))) };
        long offset = 0;
        foreach (var tensor in tensors)
        {
            if (tensor.Name == MetadataKey || header.ContainsKey(tensor.Name))
                throw new ArgumentException($"{path}: tensor name {tensor.Name} is reserved or used twice");
            if (tensor.Values.Length != tensor.Shape.Aggregate(1L, (a, b) => a * b))
                throw new ArgumentException($"{path}: tensor {tensor.Name} has {tensor.Values.Length} values for shape [{string.Join(", ", tensor.Shape)}]");
            long end = offset + 4L * tensor.Values.Length;
            header[tensor.Name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(tensor.Shape.Select(s => (JsonNode?)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, end),
            };
            offset = end;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(json);
            stream.Write(Enumerable.Repeat((byte)' ', padded - json.Length).ToArray());
            foreach (var tensor in tensors)
            {
                var bytes = new byte[4 * tensor.Values.Length];
                for (int i = 0; i < tensor.Values.Length; i++)
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), tensor.Values[i]);
                stream.Write(bytes);
            }
        });
    }

    /// <summary>Reads and checks a file; throws <see cref="CheckpointException"/> naming the file and the fault.</summary>
    public static SafeTensorsContent Read(string path)
    {
        byte[] file;
        try
        {
            file = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(path, $"cannot be read: {e.Message}", e);
        }
        if (file.Length < 8)
            throw new CheckpointException(path, $"is {file.Length} bytes long, too short for a safetensors header length (8 bytes)");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > (ulong)(file.Length - 8))
            throw new CheckpointException(path, $"header length {headerLength} runs past the end of the file ({file.Length} bytes)");
        var header = ParseHeader(path, file.AsSpan(8, (int)headerLength));
        var data = file.AsMemory(8 + (int)headerLength);

        var metadata = new Dictionary<string, string>();
        var entries = new List<(string Name, string Dtype, int[] Shape, long Begin, long End)>();
        foreach (var (name, node) in header)
        {
            if (name == MetadataKey)
                metadata = ParseMetadata(path, node);
            else
                entries.Add(ParseEntry(path, name, node, data.Length));
        }
        CheckCoverage(path, entries.Select(e => (e.Name, e.Begin, e.End)).ToList(), data.Length);
        var tensors = entries.Select(e => new NamedTensor(e.Name, e.Shape, Decode(data.Span[(int)e.Begin..(int)e.End], e.Dtype))).ToList();
        return new SafeTensorsContent(tensors, metadata);
    }

    private static JsonObject ParseHeader(string path, ReadOnlySpan<byte> json)
    {
        // The parser checks UTF-8 only where it looks: a string's bad bytes would surface later, as an
        // InvalidOperationException from whoever reads that string (found by the fuzz test).
        if (!System.Text.Unicode.Utf8.IsValid(json))
            throw new CheckpointException(path, "header is not valid UTF-8");
        try
        {
            // Duplicate names are an error in safetensors; without this option the last one would silently win.
            return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject
                ?? throw new CheckpointException(path, "header is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"header is not valid JSON: {e.Message}", e);
        }
    }

    private static Dictionary<string, string> ParseMetadata(string path, JsonNode? node)
    {
        if (node is not JsonObject map)
            throw new CheckpointException(path, $"{MetadataKey} is not a JSON object of strings");
        return map.ToDictionary(kv => kv.Key, kv => kv.Value is JsonValue value && value.TryGetValue(out string? text)
            ? text
            : throw new CheckpointException(path, $"{MetadataKey} entry {kv.Key} is not a string"));
    }

    private static (string, string, int[], long, long) ParseEntry(string path, string name, JsonNode? node, int dataLength)
    {
        string Problem(string what) => $"tensor {name}: {what}";
        if (node is not JsonObject entry)
            throw new CheckpointException(path, Problem("header entry is not a JSON object"));
        string dtype = entry["dtype"] is JsonValue d && d.TryGetValue(out string? text) ? text
            : throw new CheckpointException(path, Problem("dtype is missing or not a string"));
        if (!ReadableDtypes.TryGetValue(dtype, out int size))
            throw new CheckpointException(path, Problem($"dtype {dtype} is not supported (expected F32 or F64)"));
        var shape = IntArray(entry["shape"]) ?? throw new CheckpointException(path, Problem("shape is missing or not an array of non-negative integers"));
        var offsets = LongArray(entry["data_offsets"]);
        if (offsets is not [var begin, var end] || begin > end || end > dataLength)
            throw new CheckpointException(path, Problem($"data_offsets must be [begin, end] with 0 <= begin <= end <= {dataLength} (the data size)"));
        long expected = shape.Aggregate(1L, (a, b) => a * b) * size;
        if (end - begin != expected)
            throw new CheckpointException(path, Problem($"data_offsets span {end - begin} bytes, shape [{string.Join(", ", shape)}] of {dtype} needs {expected}"));
        return (name, dtype, shape, begin, end);
    }

    /// <summary>Tensors must tile the data exactly, as the format requires: no gaps, no overlaps, nothing left over.</summary>
    private static void CheckCoverage(string path, List<(string Name, long Begin, long End)> spans, int dataLength)
    {
        long position = 0;
        foreach (var (name, begin, end) in spans.OrderBy(s => s.Begin).ThenBy(s => s.End))
        {
            if (begin != position)
                throw new CheckpointException(path, $"tensor {name}: data starts at byte {begin}, expected {position} (tensors overlap or leave a gap)");
            position = end;
        }
        if (position != dataLength)
            throw new CheckpointException(path, $"the tensors cover {position} bytes of data but the file holds {dataLength}");
    }

    private static float[] Decode(ReadOnlySpan<byte> bytes, string dtype)
    {
        if (dtype == "F32")
        {
            var values = new float[bytes.Length / 4];
            for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
            return values;
        }
        var narrowed = new float[bytes.Length / 8];
        for (int i = 0; i < narrowed.Length; i++) narrowed[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
        return narrowed;
    }

    private static int[]? IntArray(JsonNode? node) =>
        LongArray(node) is { } values && values.All(v => v <= int.MaxValue) ? values.Select(v => (int)v).ToArray() : null;

    private static long[]? LongArray(JsonNode? node)
    {
        if (node is not JsonArray array) return null;
        var values = new long[array.Count];
        for (int i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonValue value || !value.TryGetValue(out long number) || number < 0) return null;
            values[i] = number;
        }
        return values;
    }
}
