namespace AttnRnnCluster.Hosting.Options;

/// <summary>
/// One of a few words, each standing for a value (an enum member, or on/off for a switch), in any case. Aliases
/// are accepted but not advertised (true/false for a switch, so that JSON booleans work in a config file).
/// </summary>
public sealed record ChoiceKind<T>(IReadOnlyList<KeyValuePair<string, T>> Choices, IReadOnlyList<KeyValuePair<string, T>> Aliases)
    : ValueKind<T>(string.Join('|', Choices.Select(c => c.Key)))
{
    public override IReadOnlyList<string> Completions => [.. Choices.Select(c => c.Key)];

    public override Parsed<T> Parse(string text)
    {
        string word = text.Trim().ToLowerInvariant();
        foreach (var (name, value) in Choices.Concat(Aliases))
            if (name == word) return Parsed<T>.Ok(value);
        string hint = Suggestions.Closest(word, Completions) is { } close ? $" (did you mean {close}?)" : "";
        return Parsed<T>.Fail($"expected one of {Form}, got {Quote(text)}{hint}");
    }

    public override string Format(T value) => Choices.FirstOrDefault(c => EqualityComparer<T>.Default.Equals(c.Value, value)).Key ?? base.Format(value);
}

public static class ChoiceKind
{
    /// <summary>The members of <typeparamref name="TEnum"/>, spelled in lower case.</summary>
    public static ChoiceKind<TEnum> Of<TEnum>() where TEnum : struct, Enum =>
        new([.. Enum.GetValues<TEnum>().Select(v => KeyValuePair.Create(v.ToString().ToLowerInvariant(), v))], []);

    public static readonly ChoiceKind<bool> OnOff = new(
        [KeyValuePair.Create("on", true), KeyValuePair.Create("off", false)],
        [KeyValuePair.Create("true", true), KeyValuePair.Create("false", false)]);
}
