namespace AttnRnnCluster.Hosting.Options;

/// <summary>Where the value of one option came from: the source and, for the environment or a config file, which variable or file.</summary>
public sealed record OptionOrigin(OptionSources Source, string Detail = "")
{
    /// <summary>The option as the user wrote it: "--batch", "ATTNRNN_BATCH (environment)" or "config file run.json, key \"batch\"".</summary>
    public string Describe(string name) => Source switch
    {
        OptionSources.Environment => $"{Detail} (environment)",
        OptionSources.ConfigFile => $"config file {Detail}, key \"{name}\"",
        _ => OptionNames.CommandLine(name),
    };
}

/// <summary>
/// Which options were given, and where. Cross-field checks use it to blame the right source, and to tell a
/// value the user chose from a default (e.g. --momentum given with adam is a mistake; its default is not).
/// </summary>
public sealed class Provenance
{
    private readonly Dictionary<string, OptionOrigin> _origins = new(StringComparer.Ordinal);

    public void Record(string name, OptionOrigin origin) => _origins[name] = origin;

    public bool IsSet(string name) => _origins.ContainsKey(name);

    /// <summary>Where the option was given (see <see cref="OptionOrigin.Describe"/>), or "--batch (default)" when it was not.</summary>
    public string this[string name] =>
        _origins.TryGetValue(name, out var origin) ? origin.Describe(name) : $"{OptionNames.CommandLine(name)} (default)";
}
