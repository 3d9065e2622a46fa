using System.Globalization;

namespace AttnRnnCluster.Benchmarks.Scale;

/// <summary>
/// The whole machine's CPU time (every process: on one machine the simulated hosts share the cores) over a window of
/// measured steps, from /proc/stat, whose first line a network namespace does not change. Busy is user, nice, system,
/// irq and softirq time; idle, iowait and steal (taken by the hypervisor) are not. A side whose busy share of its
/// window is near 100 % is bound by the cores, not the links: only less CPU per step makes it faster.
/// </summary>
public sealed record CpuWindow(double UserSeconds, double KernelSeconds, double WallSeconds, int Steps)
{
    /// <summary>Core-seconds of busy CPU per step.</summary>
    public double PerStep => (UserSeconds + KernelSeconds) / Steps;

    /// <summary>Busy CPU over the window as a share of all the machine's cores.</summary>
    public double BusyShare => (UserSeconds + KernelSeconds) / (WallSeconds * Environment.ProcessorCount);

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"CPU {PerStep:F2} core-s/step (user {UserSeconds / Steps:F2}, kernel {KernelSeconds / Steps:F2}), {100 * BusyShare:F0} % of {Environment.ProcessorCount} cores busy");

    /// <summary>A reading of /proc/stat's totals: user, kernel (system, irq, softirq) seconds, and when.</summary>
    public readonly record struct Reading(double User, double Kernel, DateTime At);

    public static Reading Read() => Parse(File.ReadLines("/proc/stat").First(), DateTime.UtcNow);

    /// <summary>
    /// /proc/stat's first line, "cpu  user nice system idle iowait irq softirq steal guest guest_nice", in USER_HZ (100
    /// a second on Linux; guest time is counted in user already).
    /// </summary>
    public static Reading Parse(string totals, DateTime at)
    {
        var fields = totals.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        const double hz = 100;
        return new Reading((fields[0] + fields[1]) / hz, (fields[2] + fields[5] + fields[6]) / hz, at);
    }

    public static CpuWindow Between(Reading start, Reading end, int steps) =>
        new(end.User - start.User, end.Kernel - start.Kernel, (end.At - start.At).TotalSeconds, steps);

    /// <summary>
    /// Parses rank 0's line of ddp_scale_peer.py, "cpu user U kernel K wall W s over S steps"; null when it has none.
    /// </summary>
    public static CpuWindow? FromPeerLine(string output)
    {
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("cpu user ", StringComparison.Ordinal));
        if (line == null) return null;
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        double At(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
        return new CpuWindow(At(2), At(4), At(6), (int)At(9));
    }
}
