using System.Globalization;
using System.Text.RegularExpressions;
using AttnRnnCluster.Protocol;

namespace AttnRnnCluster.Hosting.Options;

/// <summary>The outcome of reading one option value: the value, or what was wrong with the text.</summary>
public readonly record struct ParsedValue(object? Value, string? Error)
{
    public static ParsedValue Ok(object value) => new(value, null);
    public static ParsedValue Fail(string error) => new(null, error);
}

/// <summary>
/// What an option's value looks like: how it is shown in the help (<see cref="Form"/>), read from text and
/// printed back. Every source (command line, environment, config file) goes through the same
/// <see cref="Parse"/>, so a value means the same thing wherever it comes from.
/// </summary>
public abstract record ValueKind(string Form)
{
    public abstract ParsedValue Parse(string text);

    public virtual string Format(object? value) => value switch
    {
        null => "none",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    protected static string Quote(string text) => $"\"{text}\"";
}

/// <summary>A whole number in [Min, Max].</summary>
public sealed record IntegerValue(long Min, long Max) : ValueKind("N")
{
    public override ParsedValue Parse(string text) =>
        long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) && n >= Min && n <= Max
            ? ParsedValue.Ok(n)
            : ParsedValue.Fail($"expected an integer in {Min}..{Max}, got {Quote(text)}");
}

/// <summary>A finite real number in [Min, Max], or (Min, Max] when <see cref="MinExclusive"/>.</summary>
public sealed record NumberValue(double Min, double Max, bool MinExclusive = false, string NumberForm = "X") : ValueKind(NumberForm)
{
    public override ParsedValue Parse(string text)
    {
        bool ok = double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
                  && double.IsFinite(x) && (MinExclusive ? x > Min : x >= Min) && x <= Max;
        return ok ? ParsedValue.Ok(x) : ParsedValue.Fail($"expected {Range}, got {Quote(text)}");
    }

    private string Range
    {
        get
        {
            string min = Min.ToString("R", CultureInfo.InvariantCulture), max = Max.ToString("R", CultureInfo.InvariantCulture);
            string lower = MinExclusive ? $"> {min}" : $">= {min}";
            return double.IsPositiveInfinity(Max) ? $"a number {lower}"
                : MinExclusive ? $"a number {lower} and <= {max}" : $"a number in {min}..{max}";
        }
    }
}

/// <summary>
/// One of a few words, each standing for a value (an enum member, or on/off for a switch). Aliases are accepted
/// but not advertised (true/false for a switch, so that JSON booleans work in a config file).
/// </summary>
public sealed record ChoiceValue(IReadOnlyList<KeyValuePair<string, object>> Choices, IReadOnlyList<KeyValuePair<string, object>>? Aliases = null)
    : ValueKind(string.Join('|', Choices.Select(c => c.Key)))
{
    /// <summary>The members of <typeparamref name="TEnum"/>, spelled in lower case.</summary>
    public static ChoiceValue Of<TEnum>() where TEnum : struct, Enum =>
        new(Enum.GetValues<TEnum>().Select(v => KeyValuePair.Create(v.ToString().ToLowerInvariant(), (object)v)).ToList());

    public static readonly ChoiceValue OnOff = new(
        [KeyValuePair.Create("on", (object)true), KeyValuePair.Create("off", (object)false)],
        [KeyValuePair.Create("true", (object)true), KeyValuePair.Create("false", (object)false)]);

    public override ParsedValue Parse(string text)
    {
        string word = text.Trim().ToLowerInvariant();
        foreach (var (name, value) in Choices.Concat(Aliases ?? []))
            if (name == word) return ParsedValue.Ok(value);
        string hint = Suggestions.Closest(word, Choices.Select(c => c.Key)) is { } close ? $" (did you mean {close}?)" : "";
        return ParsedValue.Fail($"expected one of {Form}, got {Quote(text)}{hint}");
    }

    public override string Format(object? value) => Choices.FirstOrDefault(c => Equals(c.Value, value)).Key ?? base.Format(value);
}

/// <summary>Free non-empty text (a name, a prompt), taken as given: a prompt may be just a newline.</summary>
public sealed record TextValue(string TextForm) : ValueKind(TextForm)
{
    public override ParsedValue Parse(string text) =>
        text.Length > 0 ? ParsedValue.Ok(text) : ParsedValue.Fail("expected a non-empty value, got \"\"");

    public override string Format(object? value) => value is string s ? Quote(s.Replace("\n", "\\n")) : base.Format(value);
}

/// <summary>A host name or IP address to bind or advertise.</summary>
public sealed record HostValue() : ValueKind("HOST")
{
    public override ParsedValue Parse(string text) =>
        Uri.CheckHostName(text.Trim()) != UriHostNameType.Unknown
            ? ParsedValue.Ok(text.Trim())
            : ParsedValue.Fail($"expected a host name or IP address, got {Quote(text)}");
}

/// <summary>What a path option must point at when the options are read.</summary>
public enum PathRequirement
{
    /// <summary>Anything: the path is written later (run folder, log file).</summary>
    None,
    ExistingFile,
    ExistingFileOrDirectory,
}

/// <summary>A file system path; input files are checked at once so a typo fails before any work starts.</summary>
public sealed record PathValue(string PathForm, PathRequirement Requirement) : ValueKind(PathForm)
{
    public override ParsedValue Parse(string text)
    {
        if (text.Trim().Length == 0) return ParsedValue.Fail("expected a path, got \"\"");
        bool found = Requirement switch
        {
            PathRequirement.ExistingFile => File.Exists(text),
            PathRequirement.ExistingFileOrDirectory => File.Exists(text) || Directory.Exists(text),
            _ => true,
        };
        return found ? ParsedValue.Ok(text)
            : ParsedValue.Fail($"no such {(Requirement == PathRequirement.ExistingFile ? "file" : "file or directory")}: {Quote(text)} (full path {Path.GetFullPath(text)})");
    }
}

/// <summary>A comma-separated list of Akka addresses of the coordinator, e.g. akka.tcp://attnrnn@10.0.0.5:4053.</summary>
public sealed partial record SeedNodesValue() : ValueKind($"akka.tcp://{ActorNames.System}@HOST:PORT[,...]")
{
    [GeneratedRegex(@"^akka\.tcp://attnrnn@(?<host>[^:/@\s]+):(?<port>\d{1,5})$")]
    private static partial Regex Address();

    public override ParsedValue Parse(string text)
    {
        var nodes = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (nodes.Length == 0) return ParsedValue.Fail($"expected at least one address {Form}, got {Quote(text)}");
        foreach (string node in nodes)
        {
            var match = Address().Match(node);
            if (!match.Success || !int.TryParse(match.Groups["port"].Value, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535
                || Uri.CheckHostName(match.Groups["host"].Value) == UriHostNameType.Unknown)
                return ParsedValue.Fail($"expected addresses like akka.tcp://{ActorNames.System}@HOST:PORT (port 1..65535), got {Quote(node)}");
        }
        return ParsedValue.Ok(nodes);
    }

    public override string Format(object? value) =>
        value is IReadOnlyList<string> { Count: > 0 } nodes ? string.Join(',', nodes) : "none";
}
