namespace AttnRnnCluster.Hosting;

/// <summary>
/// The exit codes of both executables, which scripts and service managers act on (systemd does not restart
/// <see cref="BadInput"/> or <see cref="TorchUnavailable"/>: they would only fail again).
/// </summary>
public static class ExitCodes
{
    /// <summary>Done: the run finished, the command did its work, or help was shown.</summary>
    public const int Ok = 0;

    /// <summary>
    /// Started but could not finish: no workers in time, a non-finite loss, the coordinator actor stopped; for a worker, the
    /// coordinator was not reached within --coordinator-timeout, or it refused or excluded the worker.
    /// </summary>
    public const int RunFailed = 1;

    /// <summary>Invalid options, data file, checkpoint or certificate (2, like the usage errors of most Unix tools); nothing was written.</summary>
    public const int BadInput = 2;

    /// <summary>TorchSharp's native libraries do not load on this host.</summary>
    public const int TorchUnavailable = 3;

    /// <summary>Stopped by SIGINT (Ctrl-C), 128 + 2 as shells report it: the run can be continued with --resume.</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM (systemd, Kubernetes, docker stop), 128 + 15: the run can be continued with --resume.</summary>
    public const int Terminated = 143;
}
