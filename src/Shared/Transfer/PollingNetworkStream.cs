using System.Net.Sockets;

namespace AttnRnnCluster.Shared.Transfer;

/// <summary>
/// A <see cref="NetworkStream"/> whose synchronous reads wait for data in the kernel, on the reading thread. .NET on
/// Linux makes a socket non-blocking once it has been used asynchronously (the bulk server's accept, TLS handshake and
/// request are), and from then on a synchronous read that finds no data waits on an event that .NET's socket thread
/// sets when epoll reports data: two thread wake-ups per message on a message lane, whose reads are synchronous, where
/// a blocking read takes one. Polling first keeps it at one: the read that follows finds the data there.
/// </summary>
internal sealed class PollingNetworkStream(Socket socket) : NetworkStream(socket, ownsSocket: true)
{
    public override int Read(Span<byte> buffer)
    {
        // Returns when data, the peer's end or an error is there; disposing the socket ends the wait too. Then the
        // socket directly: NetworkStream's own span read goes back through Read(byte[], …) in a derived class.
        Socket.Poll(-1, SelectMode.SelectRead);
        try
        {
            return Socket.Receive(buffer, SocketFlags.None);
        }
        catch (SocketException e)
        {
            throw new IOException($"Unable to read data from the transport connection: {e.Message}.", e);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
}
