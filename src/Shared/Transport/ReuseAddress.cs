using System.Net.Sockets;

namespace AttnRnnCluster.Transport;

/// <summary>
/// SO_REUSEADDR without SO_REUSEPORT. .NET's <see cref="SocketOptionName.ReuseAddress"/> sets both on Linux, and with
/// SO_REUSEPORT a second process may listen on the same port beside the first. SO_REUSEADDR alone only lets a listener
/// bind a port whose last connections still wait in TIME_WAIT, which a node restarted on its port needs.
/// </summary>
public static class ReuseAddress
{
    private const int SolSocket = 1, SoReuseAddr = 2;

    /// <summary>Sets SO_REUSEADDR alone on <paramref name="socket"/> (on Linux; elsewhere nothing).</summary>
    public static void Only(Socket socket)
    {
        if (OperatingSystem.IsLinux()) socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
    }
}
