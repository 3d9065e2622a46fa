using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;

namespace AttnRnnCluster.Hosting.Options;

/// <summary>
/// The JSON config file: one object whose keys are option names without dashes, e.g. {"micro-batch": 16}, read by
/// the configuration library's JSON provider (which allows comments and trailing commas, since people edit these
/// files by hand). A value is a string, number, boolean, or a list of them (for --seed-nodes). What goes wrong
/// is said here in the executables' words, naming the file as it was given.
/// </summary>
public static class ConfigFile
{
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Adds the file as a source; a file that cannot be read or parsed adds no values, and an error to <paramref name="errors"/>.</summary>
    public static IConfigurationBuilder AddConfigFile(this IConfigurationBuilder builder, string path, List<string> errors)
    {
        // Relative to the current directory (the library's default is the executable's folder).
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(folder))
        {
            errors.Add(Describe(path, new DirectoryNotFoundException(folder)));
            return builder;
        }
        return builder.AddJsonFile(source =>
        {
            // Any file the user names: the provider's default would hide ".run.json" as a dot file.
            source.FileProvider = new PhysicalFileProvider(folder, ExclusionFilters.None);
            source.Path = Path.GetFileName(fullPath);
            source.OnLoadException = failure =>
            {
                errors.Add(Describe(path, failure.Exception));
                failure.Ignore = true;
            };
        });
    }

    /// <summary>One error for each key whose value is an object, null, or a list holding more than strings, numbers and booleans.</summary>
    public static IEnumerable<string> ShapeErrors(JsonConfigurationProvider file, string pathAsGiven)
    {
        foreach (string key in TopLevelKeys(file))
        {
            string? shape = file.TryGet(key, out string? value) ? value is null ? "null" : null
                : ListText(file, key) is null ? Children(file, key).All(IsIndex) ? "a list" : "an object"
                : null;
            if (shape is not null)
                yield return $"config file {pathAsGiven}, key \"{key}\": expected a string, number, boolean or list of them, got {shape}";
        }
    }

    /// <summary>The keys of the file's object (not those inside the values).</summary>
    public static IEnumerable<string> TopLevelKeys(IConfigurationProvider file) =>
        file.GetChildKeys([], null).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="key"/> holds a list or an object (the provider keeps their members as "key:0", "key:name").</summary>
    public static bool IsStructured(IConfigurationProvider file, string key) => Children(file, key).Any();

    /// <summary>A list of scalars as the option's parser reads one: joined by commas. Null when the value is no such list.</summary>
    public static string? ListText(IConfigurationProvider file, string key)
    {
        var members = Children(file, key).ToList();
        if (members.Count == 0 || !members.All(IsIndex)) return null;
        var texts = new List<string>();
        foreach (string index in members.OrderBy(m => int.Parse(m, System.Globalization.CultureInfo.InvariantCulture)))
        {
            if (!file.TryGet(ConfigurationPath.Combine(key, index), out string? text) || text is null) return null;
            texts.Add(text);
        }
        return string.Join(',', texts);
    }

    private static IEnumerable<string> Children(IConfigurationProvider file, string key) =>
        file.GetChildKeys([], key).Distinct(StringComparer.OrdinalIgnoreCase);

    private static bool IsIndex(string member) => member.All(char.IsAsciiDigit);

    private static string Describe(string path, Exception exception)
    {
        // The JSON provider wraps what went wrong in "failed to load", and that around the parser's own exception.
        var cause = exception is InvalidDataException { InnerException: { } inner } ? inner : exception;
        return cause switch
        {
            FileNotFoundException or DirectoryNotFoundException => $"config file {path} cannot be read (not found; full path {Path.GetFullPath(path)})",
            FormatException { InnerException: JsonException json } => InvalidJson(path, json),
            FormatException when NotAnObject(path) is { } found => $"config file {path}: expected a JSON object such as {{\"micro-batch\": 16}}, got {found}",
            FormatException format => $"config file {path}: {format.Message}",
            _ => $"config file {path} cannot be read ({cause.Message}; full path {Path.GetFullPath(path)})",
        };
    }

    // The position is 0-based in the exception; editors count from 1. System.Text.Json appends
    // "Path: $.x | LineNumber: 2 | BytePositionInLine: 4." to its messages; we say that ourselves.
    private static string InvalidJson(string path, JsonException e)
    {
        string reason = e.Message;
        foreach (string tail in new[] { " Path: ", " LineNumber: " })
        {
            int at = reason.IndexOf(tail, StringComparison.Ordinal);
            if (at > 0) reason = reason[..at];
        }
        return $"config file {path}: invalid JSON at line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}: {reason.TrimEnd()}";
    }

    /// <summary>What the file holds instead of an object, when that is why the provider refused it (it says so only in English prose).</summary>
    private static string? NotAnObject(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path), Lenient);
            return document.RootElement.ValueKind switch
            {
                JsonValueKind.Object => null,
                JsonValueKind.Array => "a list",
                JsonValueKind.Null => "null",
                var kind => kind.ToString().ToLowerInvariant(),
            };
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }
}
