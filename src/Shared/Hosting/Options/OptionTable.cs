namespace AttnRnnCluster.Hosting.Options;

/// <summary>A titled group of options, shown together in the help (data, model, optimization, ...).</summary>
public sealed record OptionSection<T>(string Title, IReadOnlyList<Option<T>> Options);

/// <summary>
/// Everything one command accepts: its options (grouped as the help shows them), the record holding their
/// defaults, and the checks that involve several options at once.
/// </summary>
public sealed record OptionTable<T>(string Command, string Usage, string Summary, T Defaults, IReadOnlyList<OptionSection<T>> Sections)
{
    /// <summary>Options that must be given (no default makes sense, e.g. the checkpoint to evaluate).</summary>
    public IReadOnlySet<string> Required { get; init; } = new HashSet<string>();

    /// <summary>Fills in defaults that depend on other options, once every source has been read.</summary>
    public Func<T, Provenance, T> Complete { get; init; } = (options, _) => options;

    /// <summary>Cross-field checks; each returned string is one error.</summary>
    public Func<T, Provenance, IEnumerable<string>> Check { get; init; } = (_, _) => [];

    public IEnumerable<Option<T>> Options => Sections.SelectMany(s => s.Options);

    public Option<T>? Find(string name) => Options.FirstOrDefault(o => o.Name == name);
}
