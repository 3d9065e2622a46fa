namespace AttnRnnCluster.Hosting.Options;

/// <summary>The same kind of value for an option that may be left unset (no default value: null).</summary>
public sealed record OptionalKind<T>(ValueKind<T> Given) : ValueKind<T?>(Given.Form) where T : class
{
    public override string? Range => Given.Range;

    public override IReadOnlyList<string> Completions => Given.Completions;

    public override Parsed<T?> Parse(string text)
    {
        var parsed = Given.Parse(text);
        return parsed.Error is null ? Parsed<T?>.Ok(parsed.Value) : Parsed<T?>.Fail(parsed.Error);
    }

    public override string Format(T? value) => value is null ? "none" : Given.Format(value);
}

/// <summary>Kinds of value for options that are unset by default.</summary>
public static class OptionalKind
{
    public static OptionalKind<string> Path(string form, PathRequirement requirement) => new(new PathKind(form, requirement));

    public static OptionalKind<string> Text(string form) => new(new TextKind(form));

    public static OptionalKind<string> Host() => new(new HostKind());
}
