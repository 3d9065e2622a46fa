using System.Runtime.InteropServices;
using Serilog;

namespace AttnRnnCluster.Hosting;

/// <summary>
/// SIGTERM and SIGINT for a node process. The first asks the node to stop (<see cref="Stopping"/>): it finishes what
/// it can within <see cref="Grace"/> (the coordinator writes a final checkpoint, every node leaves the cluster), and
/// exits with <see cref="ExitCodes.Terminated"/> or <see cref="ExitCodes.Interrupted"/>. Whatever hangs, the process
/// exits when the grace period is over, and at once on a second signal: a service manager's one SIGTERM always ends
/// it before its SIGKILL.
/// </summary>
public sealed class StopSignals : IDisposable
{
    /// <summary>How long a stop may take: systemd and Kubernetes wait 30 s by default between SIGTERM and SIGKILL.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stopping = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;
    private Timer? _deadline;

    public StopSignals() : this(listen: true)
    {
    }

    private StopSignals(bool listen) =>
        _registrations = listen ? [PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle), PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle)] : [];

    /// <summary>One that never fires, for a run inside another program (tests, benchmarks) that keeps its own signals.</summary>
    public static StopSignals Ignored() => new(listen: false);

    /// <summary>Cancelled at the first signal.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>The first signal, once one came.</summary>
    public PosixSignal? Signal { get; private set; }

    /// <summary>The exit code for the signal that came (SIGTERM when none did).</summary>
    public int ExitCode => Signal == PosixSignal.SIGINT ? ExitCodes.Interrupted : ExitCodes.Terminated;

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _deadline?.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        // The runtime's own handling would end the process at once, with no checkpoint and no goodbye.
        context.Cancel = true;
        if (Interlocked.Increment(ref _received) > 1)
        {
            Log.Warning("{Signal} again: exiting now", context.Signal);
            Exit();
            return;
        }
        Signal = context.Signal;
        Log.Warning("{Signal} received: stopping (at most {Grace:0} s; a second signal exits at once)", context.Signal, Grace.TotalSeconds);
        _deadline = new Timer(_ =>
        {
            Log.Error("Still not stopped {Grace:0} s after {Signal}: exiting anyway", Grace.TotalSeconds, Signal);
            Exit();
        }, null, Grace, Timeout.InfiniteTimeSpan);
        _stopping.Cancel();
    }

    private void Exit()
    {
        Log.CloseAndFlush();
        Environment.Exit(ExitCode);
    }
}
