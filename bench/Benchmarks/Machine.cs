using System.Globalization;
using System.Runtime.InteropServices;

namespace AttnRnnCluster.Benchmarks;

/// <summary>What the figures were measured on, and how busy it was: the machine is shared, so every figure prints the load.</summary>
public static class Machine
{
    public static string Describe() =>
        $"{CpuModel()}, {Environment.ProcessorCount} cores, {MemoryGiB():F1} GiB RAM, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";

    /// <summary>The 1, 5 and 15 minute load averages, as /proc/loadavg gives them.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string CpuModel() =>
        ProcLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
        ?? RuntimeInformation.ProcessArchitecture.ToString();

    private static double MemoryGiB()
    {
        var total = ProcLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return total == null ? 0 : double.Parse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / (1024 * 1024);
    }

    private static IEnumerable<string> ProcLines(string path) => File.Exists(path) ? File.ReadLines(path) : [];
}
