namespace AttnRnnCluster.Hosting.Options;

/// <summary>
/// Which options were given, and where. Checks across options use it to blame the right source, and to tell a
/// value the user chose from a default (e.g. --momentum given with adam is a mistake; its default is not).
/// </summary>
public interface IOptionOrigins
{
    /// <summary>
    /// The option as the user wrote it: "--batch", "ATTNRNN_BATCH (environment)" or "config file run.json, key \"batch\"";
    /// "--batch (default)" when no source gave it.
    /// </summary>
    string this[string key] { get; }

    bool IsSet(string key);
}
