namespace AttnRnnCluster.Coordinator;

/// <summary>The coordinator's exit codes (the worker uses the same numbers where they apply).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The run started but could not finish (no workers in time, a non-finite loss...).</summary>
    public const int RunFailed = 1;
    /// <summary>An invalid option, data file or checkpoint; nothing was written.</summary>
    public const int BadInput = AttnRnnCluster.Hosting.Options.OptionsParser.UsageErrorExitCode;
    /// <summary>TorchSharp's native libraries do not load on this host.</summary>
    public const int TorchUnavailable = 3;
}
