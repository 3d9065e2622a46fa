using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.Json;

namespace AttnRnnCluster.Hosting.Options;

/// <summary>
/// The options' values once the sources are layered, each over the one before: the config file, the environment,
/// the command line. A value is read from the source that gives it last (the configuration's providers in
/// reverse), with its option's kind of value; a bad text is recorded as an error naming that source, and the
/// default stands in, so that every mistake is found in one go.
/// </summary>
public sealed class OptionValues(IConfigurationRoot configuration, string? configFileAsGiven) : IOptionOrigins
{
    private readonly List<string> _errors = [];

    /// <summary>What was wrong with the values read so far.</summary>
    public IReadOnlyList<string> Errors => _errors;

    public T Get<T>(LayeredOption<T> option)
    {
        if (Find(option.Key) is not { } given || given.Text is null) return option.Default;
        var parsed = option.Kind.Parse(given.Text);
        if (parsed.Error is null) return parsed.Value;
        _errors.Add($"{given.Origin}: {parsed.Error}");
        return option.Default;
    }

    public string this[string key] => Find(key)?.Origin ?? $"{OptionNames.CommandLine(key)} (default)";

    public bool IsSet(string key) => Find(key) is not null;

    /// <summary>
    /// Where <paramref name="key"/> is given last, and its text (null for a config-file value of the wrong shape,
    /// which <see cref="ConfigFile.ShapeErrors"/> reports).
    /// </summary>
    private (string Origin, string? Text)? Find(string key)
    {
        foreach (var provider in configuration.Providers.Reverse())
        {
            if (provider.TryGet(key, out string? text))
                return (Describe(provider, key), text);
            if (provider is JsonConfigurationProvider file && ConfigFile.IsStructured(file, key))
                return (Describe(provider, key), ConfigFile.ListText(file, key));
        }
        return null;
    }

    private string Describe(IConfigurationProvider provider, string key) => provider switch
    {
        EnvironmentSource.Provider environment => $"{environment.VariableOf(key)} (environment)",
        JsonConfigurationProvider => $"config file {configFileAsGiven}, key \"{key}\"",
        CommandLineConfigurationProvider => OptionNames.CommandLine(key),
        _ => throw new InvalidOperationException($"an option source nobody expected: {provider}"),
    };
}
