using System.Text.Json;

namespace AttnRnnCluster.Hosting.Options;

/// <summary>One "name": value pair of a config file, as text for the option's parser, or what is wrong with it.</summary>
public sealed record ConfigEntry(string Key, string? Value, string? Error);

/// <summary>
/// A JSON config file: one object whose keys are option names without dashes, e.g. {"micro-batch": 16, "task": "text"}.
/// Comments and trailing commas are allowed, since people edit these files by hand.
/// </summary>
public static class ConfigFile
{
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The file's entries, or a single error naming the file (and the line and position for malformed JSON).</summary>
    public static (IReadOnlyList<ConfigEntry> Entries, string? Error) Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ([], $"config file {path} cannot be read ({(e is FileNotFoundException or DirectoryNotFoundException ? "not found" : e.Message)}; full path {Path.GetFullPath(path)})");
        }

        try
        {
            using var document = JsonDocument.Parse(text, Lenient);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return ([], $"config file {path}: expected a JSON object such as {{\"micro-batch\": 16}}, got {Describe(document.RootElement.ValueKind)}");
            return (document.RootElement.EnumerateObject().Select(Entry).ToList(), null);
        }
        catch (JsonException e)
        {
            // The position is 0-based in the exception; editors count from 1.
            return ([], $"config file {path}: invalid JSON at line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}: {Reason(e)}");
        }
    }

    private static ConfigEntry Entry(JsonProperty property)
    {
        var value = property.Value;
        return value.ValueKind switch
        {
            JsonValueKind.String => new(property.Name, value.GetString(), null),
            JsonValueKind.Number => new(property.Name, value.GetRawText(), null),
            JsonValueKind.True or JsonValueKind.False => new(property.Name, value.GetRawText(), null),
            JsonValueKind.Array when value.EnumerateArray().All(IsScalar) =>
                new(property.Name, string.Join(',', value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())), null),
            _ => new(property.Name, null, $"expected a string, number, boolean or list of them, got {Describe(value.ValueKind)}"),
        };
    }

    private static bool IsScalar(JsonElement element) => element.ValueKind is JsonValueKind.String or JsonValueKind.Number;

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };

    // System.Text.Json appends "Path: $.x | LineNumber: 2 | BytePositionInLine: 4." to its messages; we say that ourselves.
    private static string Reason(JsonException e)
    {
        string message = e.Message;
        foreach (string tail in new[] { " Path: ", " LineNumber: " })
        {
            int at = message.IndexOf(tail, StringComparison.Ordinal);
            if (at > 0) message = message[..at];
        }
        return message.TrimEnd();
    }
}
