namespace AttnRnnCluster.Hosting.Options;

/// <summary>How one option name is spelled in each source: --micro-batch, ATTNRNN_MICRO_BATCH, "micro-batch".</summary>
public static class OptionNames
{
    public const string EnvironmentPrefix = "ATTNRNN_";

    /// <summary>The option naming the config file; it is read before the file, so it is no key of one.</summary>
    public const string Config = "config";

    public static string CommandLine(string name) => "--" + name;

    public static string EnvironmentVariable(string name) => EnvironmentPrefix + name.ToUpperInvariant().Replace('-', '_');

    /// <summary>The option name an environment variable stands for, e.g. ATTNRNN_MICRO_BATCH gives micro-batch.</summary>
    public static string FromEnvironmentVariable(string variable) =>
        variable[EnvironmentPrefix.Length..].ToLowerInvariant().Replace('_', '-');
}
