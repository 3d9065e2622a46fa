using System.Globalization;

namespace AttnRnnCluster.Shared.Tests.Transport;

/// <summary>
/// This process's TCP sockets as Linux shows them in /proc: which file descriptors are connections on a local port,
/// and whether each is in non-blocking mode (which .NET sets once a socket is used asynchronously, and which then
/// ties the socket to its epoll thread).
/// </summary>
public static class LinuxSockets
{
    private const int NonBlockingFlag = 0x800; // O_NONBLOCK, 04000 octal
    private const string Established = "01";

    /// <summary>For each established connection on local <paramref name="port"/>: its file descriptor and whether it is non-blocking.</summary>
    public static IReadOnlyList<(int Descriptor, bool NonBlocking)> ConnectionsOnLocalPort(int port)
    {
        var inodes = new[] { "/proc/self/net/tcp", "/proc/self/net/tcp6" }
            .Where(File.Exists)
            .SelectMany(File.ReadLines)
            .Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 9 && fields[3] == Established && LocalPort(fields[1]) == port)
            .Select(fields => fields[9])
            .ToHashSet();
        var connections = new List<(int, bool)>();
        foreach (var link in new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos())
        {
            // Other threads open and close descriptors meanwhile: one that is gone is skipped.
            var target = Read(() => link.LinkTarget);
            if (target == null || !target.StartsWith("socket:[") || !inodes.Contains(target[8..^1]))
                continue;
            var flags = Read(() => File.ReadLines($"/proc/self/fdinfo/{link.Name}").First(l => l.StartsWith("flags:"))["flags:".Length..].Trim());
            if (flags != null)
                connections.Add((int.Parse(link.Name), (Convert.ToInt32(flags, 8) & NonBlockingFlag) != 0));
        }
        return connections;
    }

    private static string? Read(Func<string?> read)
    {
        try
        {
            return read();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static int LocalPort(string address) => int.Parse(address[(address.LastIndexOf(':') + 1)..], NumberStyles.HexNumber);
}
