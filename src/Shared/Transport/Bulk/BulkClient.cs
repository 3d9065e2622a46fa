using System.Net.Sockets;
using Akka.Event;
using AttnRnnCluster.Transport.Security;

namespace AttnRnnCluster.Transport;

/// <summary>
/// The receiving side of the bulk channel's wire: connects to the offering node's <see cref="BulkServer"/>, presents
/// the offer's id and token, reads the payload straight into one buffer (a recycled one), and checks its CRC-32C
/// once it is all there, on every core. (Checking each piece as it arrived kept the reading thread from the socket
/// for as long as the check took; over loopback, where the sender's thread holds the other core, that was a fifth of
/// the transfer, while the whole payload checked on all cores afterwards costs less than half of it.)
/// </summary>
public static class BulkClient
{
    /// <summary>Bytes per read at most: the stall timer restarts after each.</summary>
    private const int ReadSize = 1 << 20;

    /// <summary>The verified payload of <paramref name="offer"/>, in a buffer from <paramref name="buffers"/> (the caller's to return).</summary>
    /// <exception cref="BulkFetchException">No connection, refused, cut short, stalled for the transfer timeout, or a checksum mismatch.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled.</exception>
    public static async Task<byte[]> Fetch(PayloadOffer offer, ClusterTls? tls, TransferSettings settings, PayloadBuffers buffers,
        ILoggingAdapter log, CancellationToken cancel)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await Connect(socket, offer, settings.BulkConnectTimeout, cancel);
        await using var stream = await Open(socket, offer, tls, settings.BulkConnectTimeout, log, cancel);
        var payload = buffers.Rent(offer.Header.TotalLength);
        try
        {
            await Read(stream, payload, offer, settings, cancel);
            return payload;
        }
        catch
        {
            buffers.Return(payload);
            throw;
        }
    }

    private static async Task Connect(Socket socket, PayloadOffer offer, TimeSpan timeout, CancellationToken cancel)
    {
        using var deadline = Deadline(timeout, cancel);
        try
        {
            await socket.ConnectAsync(offer.Host, offer.Port, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new BulkFetchException($"could not connect to {offer.Endpoint} within {timeout}", couldNotConnect: true);
        }
        catch (SocketException e)
        {
            throw new BulkFetchException($"could not connect to {offer.Endpoint}: {e.Message}", couldNotConnect: true, e);
        }
    }

    /// <summary>The connection after the TLS handshake (if any) and the request, with the server's answer read.</summary>
    private static async Task<Stream> Open(Socket socket, PayloadOffer offer, ClusterTls? tls, TimeSpan timeout, ILoggingAdapter log, CancellationToken cancel)
    {
        using var deadline = Deadline(timeout, cancel);
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            if (tls != null)
                stream = await BulkTls.AuthenticateAsClient(stream, tls, offer.Host, log, deadline.Token);
            await stream.WriteAsync(BulkWire.Request(offer.Header.TransferId, offer.Token), deadline.Token);
            var answer = new byte[1];
            var read = await stream.ReadAsync(answer, deadline.Token);
            return (read, answer[0]) switch
            {
                (0, _) => throw new BulkFetchException($"{offer.Endpoint} closed the connection without answering (busy, or not a bulk server)"),
                (_, BulkWire.Ready) => stream,
                (_, BulkWire.Unknown) => throw new BulkFetchException($"{offer.Endpoint} refused transfer {offer.Header.TransferId}: no such offer, or a wrong token"),
                _ => throw new BulkFetchException($"{offer.Endpoint} answered {answer[0]}, which is no bulk channel status"),
            };
        }
        catch (Exception e)
        {
            await stream.DisposeAsync();
            if (e is BulkFetchException || cancel.IsCancellationRequested)
                throw;
            throw e switch
            {
                OperationCanceledException => new BulkFetchException($"{offer.Endpoint} did not {(tls == null ? "" : "complete the TLS handshake and ")}answer within {timeout}"),
                // A server that closes at once (busy, or a TLS server refusing plain bytes) shows as an end of stream or
                // as a reset, depending on whether the request had reached it: the same answer either way.
                IOException when tls == null => new BulkFetchException($"{offer.Endpoint} closed the connection without answering (busy, or not a bulk server): {e.Message}", inner: e),
                _ => new BulkFetchException($"{offer.Endpoint}: {(tls == null ? "the request" : "the TLS handshake or the request")} failed: {e.Message}", inner: e),
            };
        }
    }

    /// <summary>Fills <paramref name="payload"/> from the stream and checks it against the offer's checksum.</summary>
    private static async Task Read(Stream stream, byte[] payload, PayloadOffer offer, TransferSettings settings, CancellationToken cancel)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        for (var received = 0; received < payload.Length;)
        {
            stall.CancelAfter(settings.Timeout);
            int read;
            try
            {
                read = await stream.ReadAsync(payload.AsMemory(received, Math.Min(ReadSize, payload.Length - received)), stall.Token);
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                throw new BulkFetchException($"{offer.Endpoint} sent nothing for {settings.Timeout} after {received} of {payload.Length} bytes");
            }
            catch (IOException e)
            {
                throw new BulkFetchException($"{offer.Endpoint}: connection lost after {received} of {payload.Length} bytes: {e.Message}", inner: e);
            }
            if (read == 0)
                throw new BulkFetchException($"{offer.Endpoint} closed the connection after {received} of {payload.Length} bytes");
            received += read;
        }
        var checksum = Crc32C.ComputeInParallel(payload);
        if (checksum != offer.Header.Checksum)
            throw new BulkFetchException($"checksum of the {payload.Length} fetched bytes is {checksum:x8}, the sender's is {offer.Header.Checksum:x8}");
    }

    private static CancellationTokenSource Deadline(TimeSpan timeout, CancellationToken cancel)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        source.CancelAfter(timeout);
        return source;
    }
}
