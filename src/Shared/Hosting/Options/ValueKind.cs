using System.Globalization;

namespace AttnRnnCluster.Hosting.Options;

/// <summary>The outcome of reading one option value: the value, or what was wrong with the text.</summary>
public readonly record struct Parsed<T>(T Value, string? Error)
{
    public static Parsed<T> Ok(T value) => new(value, null);

    public static Parsed<T> Fail(string error) => new(default!, error);
}

/// <summary>
/// What an option's value looks like: its form in the help (<see cref="Form"/>), its valid values in words
/// (<see cref="Range"/>), how it is read from text and printed back. Every source (command line, environment,
/// config file) goes through the same <see cref="Parse"/>, so a value means the same wherever it comes from.
/// </summary>
public abstract record ValueKind<T>(string Form)
{
    /// <summary>The valid values in words, for the help and the docs ("1..65536"); null when the form says it all.</summary>
    public virtual string? Range => null;

    /// <summary>The values a shell may complete (the words of a choice); empty when any text goes.</summary>
    public virtual IReadOnlyList<string> Completions => [];

    public abstract Parsed<T> Parse(string text);

    /// <summary>The value as the help and the docs show it (a default).</summary>
    public virtual string Format(T value) => value switch
    {
        null => "none",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    protected static string Quote(string text) => $"\"{text}\"";
}
