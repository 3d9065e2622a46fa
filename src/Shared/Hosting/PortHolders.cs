using System.Globalization;

namespace AttnRnnCluster.Hosting;

/// <summary>
/// Which process listens on a TCP port, from Linux's /proc: the listening socket's inode in /proc/net/tcp and tcp6,
/// then the process that has that socket open. Best effort: another user's processes cannot be looked into.
/// </summary>
public static class PortHolders
{
    private const string Listen = "0A";
    private const int MaxCommandLine = 160;

    /// <summary>"process 1234 (dotnet AttnRnnCluster.Coordinator.dll --port 4053 …)", or null when it cannot be told.</summary>
    public static string? Describe(int port)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var inodes = ListeningInodes(port);
            if (inodes.Count == 0) return null;
            foreach (string process in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
                if (HoldsAny(process, inodes)) return $"process {pid} ({CommandLine(process)})";
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // /proc changes while it is read; an answer is a courtesy, not a requirement.
        }
        return null;
    }

    private static HashSet<string> ListeningInodes(int port)
    {
        var inodes = new HashSet<string>();
        string hexPort = port.ToString("X4", CultureInfo.InvariantCulture);
        foreach (string table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (string line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                if (fields.Length > 9 && fields[3] == Listen && fields[1].EndsWith(":" + hexPort, StringComparison.Ordinal))
                    inodes.Add(fields[9]);
            }
        }
        return inodes;
    }

    private static bool HoldsAny(string process, HashSet<string> inodes)
    {
        try
        {
            foreach (string descriptor in Directory.EnumerateFiles(Path.Combine(process, "fd")))
            {
                var target = new FileInfo(descriptor).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal) && inodes.Contains(target[8..^1])) return true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another user's process, or one that ended meanwhile.
        }
        return false;
    }

    private static string CommandLine(string process)
    {
        string text;
        try
        {
            text = File.ReadAllText(Path.Combine(process, "cmdline")).Replace('\0', ' ').Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "its command line cannot be read";
        }
        return text.Length <= MaxCommandLine ? text : text[..MaxCommandLine] + " …";
    }
}
