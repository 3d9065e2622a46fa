using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Benchmarks.Transport;

/// <summary>
/// Issue 7's communication benchmark, all over loopback with both ends in this process: a raw TCP socket moving
/// N bytes (the baseline); Akka.Remote moving N bytes as plain byte-array messages with no flow control (the
/// ceiling of anything built on Akka messages); and one message through <see cref="PayloadTransport"/> (serialize,
/// checksum, offer and fetch over the bulk channel or send in chunks, verify, deserialize, deliver). Each returns
/// elapsed times; nothing here judges them.
/// </summary>
public static class LoopbackThroughput
{
    /// <summary>Sends <paramref name="bytes"/> bytes over a fresh loopback TCP connection; send start to last byte read.</summary>
    public static async Task<TimeSpan> RawTcp(int bytes)
    {
        var payload = new byte[bytes];
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await listener.AcceptTcpClientAsync();

        var clock = Stopwatch.StartNew();
        var receiving = Task.Run(async () =>
        {
            var buffer = new byte[1 << 20];
            var stream = server.GetStream();
            for (var received = 0; received < bytes;)
            {
                var read = await stream.ReadAsync(buffer);
                if (read == 0)
                    throw new IOException($"connection closed after {received} of {bytes} bytes");
                received += read;
            }
        });
        await client.GetStream().WriteAsync(payload);
        await receiving;
        return clock.Elapsed;
    }

    /// <summary>
    /// Sends <paramref name="message"/> <paramref name="repetitions"/> times from one remote node to an actor on
    /// another (both configured by <see cref="NodeConfig.Wire"/> over <paramref name="nodeConfig"/>); Tell to delivery.
    /// </summary>
    public static async Task<TransportRuns> Transport(IProtocolMessage message, int repetitions, Config nodeConfig)
    {
        var (times, receiver) = await BetweenTwoNodes(nodeConfig, repetitions, expected: 1,
            (sender, sink) => PayloadTransport.Get(sender).Tell(sink, message, ActorRefs.NoSender));
        return new TransportRuns(times, receiver.Fetched);
    }

    /// <summary>Sends <paramref name="totalBytes"/> as byte arrays of <paramref name="messageSize"/>, all at once, <paramref name="repetitions"/> times.</summary>
    public static async Task<IReadOnlyList<TimeSpan>> ByteArrayMessages(int totalBytes, int messageSize, int repetitions, Config nodeConfig)
    {
        var message = new byte[messageSize];
        var count = totalBytes / messageSize;
        var (times, _) = await BetweenTwoNodes(nodeConfig, repetitions, count, (_, sink) =>
        {
            for (var i = 0; i < count; i++)
                sink.Tell(message);
        });
        return times;
    }

    /// <summary>Elapsed times, and how many of the messages went over the bulk channel (the rest went in chunks).</summary>
    public sealed record TransportRuns(IReadOnlyList<TimeSpan> Times, long BulkFetches);

    /// <summary>The times, and the receiving node's bulk channel counters.</summary>
    private static async Task<(IReadOnlyList<TimeSpan> Times, BulkChannelCounters Receiver)> BetweenTwoNodes(
        Config nodeConfig, int repetitions, int expected, Action<ActorSystem, IActorRef> send)
    {
        var config = nodeConfig.WithFallback(ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """)).WithFallback(NodeConfig.Wire());
        using var sender = ActorSystem.Create("bench-sender", config);
        using var receiver = ActorSystem.Create("bench-receiver", config);
        try
        {
            var times = new List<TimeSpan>();
            for (var i = 0; i < repetitions; i++)
            {
                var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var sink = receiver.ActorOf(Props.Create(() => new CountingSink(expected, delivered)), $"sink-{i}");
                var remoteSink = ((ExtendedActorSystem)sender).Provider.ResolveActorRef(
                    sink.Path.ToStringWithAddress(((ExtendedActorSystem)receiver).Provider.DefaultAddress));

                var clock = Stopwatch.StartNew();
                send(sender, remoteSink);
                await delivered.Task.WaitAsync(TimeSpan.FromMinutes(5));
                times.Add(clock.Elapsed);
            }
            return (times, PayloadTransport.Get(receiver).BulkCounters);
        }
        finally
        {
            await Task.WhenAll(sender.Terminate(), receiver.Terminate());
        }
    }

    private sealed class CountingSink : ReceiveActor
    {
        private int _received;

        public CountingSink(int expected, TaskCompletionSource delivered) =>
            ReceiveAny(_ =>
            {
                if (++_received == expected)
                    delivered.TrySetResult();
            });
    }
}
