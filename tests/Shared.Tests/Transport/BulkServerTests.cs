using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using AttnRnnCluster.Protocol.Formats;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Transport;

/// <summary>The bulk channel's two ends on loopback, without actor systems: what a server hands out, and to whom.</summary>
public sealed class BulkServerTests : IDisposable
{
    private static readonly TransferSettings Settings = TransferSettings.Default with { BulkConnectTimeout = TimeSpan.FromSeconds(30) };
    private static readonly byte[] Payload = [.. Enumerable.Range(0, 3_000_017).Select(i => (byte)(i * 31 + (i >> 11)))];

    private readonly BulkServer _server = BulkServer.Start(new IPEndPoint(IPAddress.Loopback, 0), null, Settings, NoLogger.Instance);
    private readonly System.Collections.Concurrent.ConcurrentBag<TcpClient> _silentConnections = [];

    public void Dispose()
    {
        _server.Dispose();
        foreach (var connection in _silentConnections)
            connection.Dispose();
    }

    [Fact]
    public async Task An_offer_is_fetched_whole_once_and_then_is_gone()
    {
        var offer = Offer(1, Payload);

        Assert.Equal(Payload, await Fetch(offer));
        Assert.Contains("refused transfer 1: no such offer, or a wrong token", (await FetchFails(offer)).Message);
    }

    [Fact]
    public async Task An_unknown_id_a_wrong_token_and_a_withdrawn_offer_are_refused()
    {
        var offer = Offer(2, Payload);
        var withdrawn = Offer(3, Payload);
        _server.Withdraw(3);

        var wrongToken = await FetchFails(offer with { Token = [.. offer.Token.Select(b => (byte)(b ^ 0x40))] });
        var unknownId = await FetchFails(offer with { Header = offer.Header with { TransferId = 99 } });
        var gone = await FetchFails(withdrawn);

        Assert.All(new[] { wrongToken, unknownId, gone }, e => Assert.Contains("no such offer, or a wrong token", e.Message));
        Assert.Equal(Payload, await Fetch(offer));
    }

    [Fact]
    public async Task The_fetcher_checks_the_checksum_of_what_it_received()
    {
        var offer = Offer(4, Payload);

        var error = await FetchFails(offer with { Header = offer.Header with { Checksum = 0x12345678 } });

        Assert.Equal($"checksum of the {Payload.Length} fetched bytes is {Crc32C.Compute(Payload):x8}, the sender's is 12345678", error.Message);
    }

    [Fact]
    public async Task A_client_that_is_not_a_receiver_is_dropped_and_the_server_serves_on()
    {
        using (var stranger = new TcpClient())
        {
            await stranger.ConnectAsync(IPAddress.Loopback, _server.Port);
            var stream = stranger.GetStream();
            await stream.WriteAsync("GET /index.html HTTP/1.1\r\n\r\n"u8.ToArray()); // as long as a request
            Assert.Equal(0, await stream.ReadAsync(new byte[1]));
        }

        Assert.Equal(Payload, await Fetch(Offer(5, Payload)));
    }

    [Fact]
    public async Task A_client_that_sends_no_request_is_dropped_once_the_request_time_is_up_and_the_server_serves_on()
    {
        using var server = BulkServer.Start(new IPEndPoint(IPAddress.Loopback, 0), null, Settings with { BulkConnectTimeout = TimeSpan.FromSeconds(1) }, NoLogger.Instance);
        using var silent = new TcpClient();
        await silent.ConnectAsync(IPAddress.Loopback, server.Port);

        // The server reads with blocking calls, so its deadline closes the connection. The wait is only a guard
        // against a hang, not a measure of speed.
        Assert.True(await EndsOrIsReset(silent.GetStream()).WaitAsync(TimeSpan.FromMinutes(2)));

        Assert.Equal(Payload, await Fetch(Offer(11, Payload, server)));
    }

    [Fact]
    public async Task Connections_beyond_the_limit_are_closed_until_others_end()
    {
        var idle = new List<TcpClient>();
        for (var i = 0; i < BulkServer.MaxConnections; i++)
        {
            var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, _server.Port);
            idle.Add(client);
        }
        var offer = Offer(6, Payload);

        Assert.Contains("closed the connection without answering", (await FetchFails(offer)).Message);

        idle.ForEach(client => client.Dispose());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                Assert.Equal(Payload, await Fetch(offer));
                break;
            }
            catch (BulkFetchException e) when (DateTime.UtcNow < deadline && e.Message.Contains("without answering"))
            {
                await Task.Delay(100);
            }
        }
    }

    [Fact]
    public async Task A_closed_port_is_reported_as_unreachable()
    {
        var offer = Offer(7, Payload) with { Port = ClosedPort() };

        var error = await FetchFails(offer);

        Assert.True(error.CouldNotConnect);
        Assert.StartsWith($"could not connect to 127.0.0.1:{offer.Port}", error.Message);
    }

    [Fact]
    public async Task A_sender_that_stops_part_way_is_reported_with_how_far_it_got()
    {
        var (cut, stalled) = (FakeServer(closeAfter: true), FakeServer(closeAfter: false));
        var settings = Settings with { Timeout = TimeSpan.FromSeconds(1) };
        var offer = Offer(8, Payload);

        var closed = await Assert.ThrowsAsync<BulkFetchException>(() => BulkClient.Fetch(OfferOn(PortOf(cut)), null, settings, NoBuffers, NoLogger.Instance, default));
        var silent = await Assert.ThrowsAsync<BulkFetchException>(() => BulkClient.Fetch(OfferOn(PortOf(stalled)), null, settings, NoBuffers, NoLogger.Instance, default));

        Assert.Equal($"127.0.0.1:{PortOf(cut)} closed the connection after 1000 of {Payload.Length} bytes", closed.Message);
        Assert.Equal($"127.0.0.1:{PortOf(stalled)} sent nothing for 00:00:01 after 1000 of {Payload.Length} bytes", silent.Message);
        cut.Stop();
        stalled.Stop();

        PayloadOffer OfferOn(int port) => offer with { Port = port };
    }

    /// <summary>
    /// A listener that answers one receiver <see cref="BulkWire.Ready"/> and 1000 bytes, then closes or goes silent
    /// (keeping the connection, in <see cref="_silentConnections"/>, open until the test ends).
    /// </summary>
    private TcpListener FakeServer(bool closeAfter)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _ = Task.Run(async () =>
        {
            var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            await stream.ReadExactlyAsync(new byte[BulkWire.RequestLength]);
            await stream.WriteAsync((byte[])[BulkWire.Ready, .. Payload.AsSpan(0, 1000)]);
            if (closeAfter)
                client.Dispose();
            else
                _silentConnections.Add(client);
        });
        return listener;
    }

    /// <summary>An offer of <paramref name="payload"/> on <paramref name="server"/> (the test's own when null).</summary>
    private PayloadOffer Offer(long id, byte[] payload, BulkServer? server = null)
    {
        server ??= _server;
        var header = new PayloadHeader(id, Settings.ChunkSize, payload.Length, Crc32C.Compute(payload), ProtocolSerializer.SerializerId, "wu", ActorRefs.Nobody, null);
        return new PayloadOffer(header, "127.0.0.1", server.Port, server.Offer(id, Unpooled(payload), ActorRefs.Nobody));
    }

    /// <summary>A payload to offer, not recycled after.</summary>
    public static SharedPayload Unpooled(byte[] payload) => new(payload, NoBuffers);

    /// <summary>Buffers that are never recycled.</summary>
    public static PayloadBuffers NoBuffers => new(capacityBytes: 0);

    private static Task<byte[]> Fetch(PayloadOffer offer) => BulkClient.Fetch(offer, null, Settings, NoBuffers, NoLogger.Instance, default);

    private static Task<BulkFetchException> FetchFails(PayloadOffer offer) => Assert.ThrowsAsync<BulkFetchException>(() => Fetch(offer));

    /// <summary>True when the peer closed the connection: the end of the stream, or a reset (a close that cut a read short).</summary>
    private static async Task<bool> EndsOrIsReset(NetworkStream stream)
    {
        try
        {
            return await stream.ReadAsync(new byte[1]) == 0;
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
            return true;
        }
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = PortOf(listener);
        listener.Stop();
        return port;
    }

    private static int PortOf(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;
}
