using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using AttnRnnCluster.Benchmarks.Transport;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Protocol.Formats;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>
/// Issue 7 item 3: 64 MB of weights node → node over loopback through <see cref="PayloadTransport"/>, against a
/// raw TCP socket moving the same bytes (and Akka.Remote's own ceiling), runs alternating: once as it runs by
/// default (64 MB is far above the bulk threshold: the bulk channel), once with the bulk channel off (chunks over
/// Akka, the fallback); then the serializer's encode and decode rates.
/// </summary>
public static class WireFigure
{
    private const int ParameterCount = 16 * 1024 * 1024;
    private const int Bytes = ParameterCount * sizeof(float);
    private const int Rounds = 3;

    /// <summary>
    /// Akka's shutdown chatter (dropped messages, "Disassociated" when the sender's node stops first) would bury the
    /// figures; a transfer that really fails still throws (its delivery times out).
    /// </summary>
    private static readonly Config QuietNodes = ConfigurationFactory.ParseString("akka { loglevel = OFF, log-dead-letters = off }");

    private static readonly Config ChunksOnly = ConfigurationFactory.ParseString($"{TransferSettings.Section}.bulk-channel = off").WithFallback(QuietNodes);

    public static async Task RunAsync()
    {
        Report.Heading($"wire: {Bytes / (1024 * 1024)} MB of weights, coordinator node -> worker node over loopback, both in this process");
        var update = new WeightsUpdate(1, new ParameterBuffer([new TensorSlot("all", [ParameterCount], 0)], Values()));
        var raw = new List<double>();
        var ceiling = new List<double>();
        var bulk = new List<double>();
        var chunks = new List<double>();
        await WarmUpTransport(update);
        for (int round = 0; round < Rounds; round++)
        {
            // The first send on a fresh connection or actor system is a warm-up (JIT, association); only the second counts.
            await LoopbackThroughput.RawTcp(Bytes);
            raw.Add(MegabytesPerSecond(await LoopbackThroughput.RawTcp(Bytes)));
            ceiling.Add(MegabytesPerSecond((await LoopbackThroughput.ByteArrayMessages(Bytes, TransferSettings.Default.ChunkSize, 2, QuietNodes))[1]));
            bulk.Add(MegabytesPerSecond(await Transport(update, QuietNodes, bulkFetches: 2)));
            chunks.Add(MegabytesPerSecond(await Transport(update, ChunksOnly, bulkFetches: 0)));
        }
        Report.Line($"raw TCP socket:                          {Report.Runs(raw, "F0")} MB/s");
        Report.Line($"Akka.Remote, {TransferSettings.Default.ChunkSize}-byte byte[] messages:   {Report.Runs(ceiling, "F0")} MB/s (its ceiling, no flow control)");
        Report.Line($"PayloadTransport, bulk channel:          {Report.Runs(bulk, "F0")} MB/s");
        Report.Line($"PayloadTransport, chunks (window {TransferSettings.Default.Window}):     {Report.Runs(chunks, "F0")} MB/s (bulk-channel = off: the fallback)");
        Report.Line($"chunks / raw TCP: {Report.MedianRatio(chunks, raw):F2}x");
        Report.Goal("PayloadTransport (bulk channel) / raw TCP", Report.MedianRatio(bulk, raw), goal: 0.5);
        SerializerRates(update);
    }

    /// <summary>
    /// As for the serializer (<see cref="WarmUp"/>): tiered JIT runs a method's first calls unoptimized, and a
    /// transfer's checksum, copy and decode loops are called a few thousand times per 64 MB, so the first transfers
    /// of a process run several times slower than those of a training run, which sends weights every step.
    /// </summary>
    private static async Task WarmUpTransport(WeightsUpdate update)
    {
        await LoopbackThroughput.Transport(update, 4, QuietNodes);
        await LoopbackThroughput.Transport(update, 1, ChunksOnly);
        await Task.Delay(TimeSpan.FromSeconds(1)); // the background compiler's turn
    }

    /// <summary>The second of two sends (the first warms up the connection), after checking which path they took.</summary>
    private static async Task<TimeSpan> Transport(WeightsUpdate update, Config config, long bulkFetches)
    {
        var runs = await LoopbackThroughput.Transport(update, 2, config);
        if (runs.BulkFetches != bulkFetches)
            throw new InvalidOperationException($"expected {bulkFetches} of the 2 transfers over the bulk channel, saw {runs.BulkFetches}");
        return runs.Times[1];
    }

    private static void SerializerRates(WeightsUpdate update)
    {
        using var system = ActorSystem.Create("bench-serializer", NodeConfig.Wire().WithFallback(QuietNodes));
        var serializer = new ProtocolSerializer((ExtendedActorSystem)system);
        foreach (var precision in new[] { WirePrecision.F32, WirePrecision.Bf16 })
        {
            update = update with { Precision = precision };
            var bytes = serializer.ToBinary(update);
            string manifest = serializer.Manifest(update);
            WarmUp(serializer, manifest);
            // Encoding goes into a reused buffer, as the transport does; decoding makes the message's fresh arrays.
            var buffer = new byte[bytes.Length];
            var encode = Rates(bytes.Length, () => serializer.ToBinary(update, buffer));
            var decode = Rates(bytes.Length, () => serializer.FromBinary(bytes, manifest));
            Report.Line($"serializer {precision.Name()} ({bytes.Length / 1e6:F0} MB encoded): encode into a reused buffer {Report.Runs(encode, "F2")} GB/s");
            Report.Line($"serializer {precision.Name()} ({bytes.Length / 1e6:F0} MB encoded): decode into fresh arrays {Report.Runs(decode, "F2")} GB/s");
            // Other processes only ever add time to a copy loop: its least disturbed run is its speed.
            Report.Goal($"serializer {precision.Name()}, the slower of encode and decode (best runs)", Math.Min(encode.Max(), decode.Max()), goal: 2, unit: " GB/s");
        }
        system.Terminate().Wait(TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Tiered JIT runs a method's first calls unoptimized; a coordinator encodes every step, so its steady state is
    /// the optimized code. Small messages get there without minutes of 64 MB copies.
    /// </summary>
    private static void WarmUp(ProtocolSerializer serializer, string manifest)
    {
        var small = new WeightsUpdate(1, new ParameterBuffer([new TensorSlot("all", [4096], 0)], new float[4096]));
        for (int i = 0; i < 200; i++) serializer.FromBinary(serializer.ToBinary(small), manifest);
        Thread.Sleep(TimeSpan.FromSeconds(1)); // the background compiler's turn
    }

    /// <summary>GB/s of encoded bytes: 8 timed runs after 3 untimed ones (each run allocates a fresh 64 MB buffer).</summary>
    private static List<double> Rates(int bytes, Action run)
    {
        var rates = new List<double>();
        for (int i = 0; i < 11; i++)
        {
            var clock = Stopwatch.StartNew();
            run();
            if (i >= 3) rates.Add(bytes / clock.Elapsed.TotalSeconds / 1e9);
        }
        return rates;
    }

    private static double MegabytesPerSecond(TimeSpan elapsed) => Bytes / elapsed.TotalSeconds / 1e6;

    private static float[] Values()
    {
        var values = new float[ParameterCount];
        for (int i = 0; i < values.Length; i++) values[i] = MathF.Sin(i);
        return values;
    }
}
