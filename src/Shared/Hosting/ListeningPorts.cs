using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Hosting;

/// <summary>
/// Checks, before a node starts, that nothing listens on the ports it will listen on. Akka.Remote's transport binds
/// with SO_REUSEADDR, which .NET on Linux turns into SO_REUSEPORT as well: a second node would bind the same port
/// beside the first, and the kernel would deal incoming connections to either. The check binds a socket of its own
/// with SO_REUSEADDR alone, which a live listener refuses whatever its options, while the sockets a node that just
/// stopped leaves in TIME_WAIT do not, so a node restarts on its port at once. Two nodes started at the same instant
/// can still both pass; that is all it cannot see.
/// </summary>
public static class ListeningPorts
{
    /// <summary>Throws <see cref="PortTakenException"/> when <paramref name="port"/> on <paramref name="hostname"/> is taken; port 0 (any free one) never is.</summary>
    /// <param name="option">How the user chose the port, e.g. "--port", named in the error.</param>
    public static void EnsureFree(string hostname, int port, string option)
    {
        if (port == 0) return;
        var address = PayloadTransport.BindAddress(hostname);
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        ReuseAddress.Only(probe);
        try
        {
            probe.Bind(new IPEndPoint(address, port));
            probe.Listen(1);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            string holder = PortHolders.Describe(port) ?? "another process (this one may not look at it)";
            throw new PortTakenException(e.SocketErrorCode == SocketError.AccessDenied
                ? $"{option} {port}: this user may not listen on port {port} of {hostname} (ports below 1024 need privileges); choose another"
                : $"{option} {port}: port {port} of {hostname} is already taken by {holder}; stop it, or choose another port");
        }
    }

    /// <summary>Text for a port number in messages.</summary>
    public static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
