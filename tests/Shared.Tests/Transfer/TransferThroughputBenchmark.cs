using Akka.Configuration;
using AttnRnnCluster.Shared.Protocol;
using AttnRnnCluster.Shared.Transfer;
using Xunit.Abstractions;

namespace AttnRnnCluster.Shared.Tests.Transfer;

/// <summary>
/// Issue 7 item 3: 64 MB of weights node → node over loopback through the transport (bulk channel, and chunks
/// only), against a raw TCP socket and against Akka.Remote's own ceiling (the same bytes as byte-array messages
/// with no flow control).
/// The first run of each kind is a warm-up (JIT, connection) and is reported but left out of the median.
/// </summary>
public sealed class TransferThroughputBenchmark(ITestOutputHelper output)
{
    private const int ParameterCount = 16 * 1024 * 1024;
    private const int Bytes = ParameterCount * sizeof(float);

    [BenchmarkFact]
    public async Task A_64_MB_weight_update_through_the_transport_against_raw_tcp()
    {
        var update = new WeightsUpdate(1, new ParameterBuffer([new TensorSlot("all", [ParameterCount], 0)], new float[ParameterCount]));
        var raw = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
            raw.Add(await LoopbackThroughput.RawTcp(Bytes));
        var ceiling = await LoopbackThroughput.ByteArrayMessages(Bytes, TransferSettings.Default.ChunkSize, 6, Config.Empty);
        var transport = (await LoopbackThroughput.Transport(update, 8, Config.Empty)).Times;
        var chunks = (await LoopbackThroughput.Transport(update, 4, ConfigurationFactory.ParseString("attnrnn.transfer.bulk-channel = off"))).Times;

        Report("raw TCP socket", raw, warmUp: 1);
        Report($"Akka.Remote, {TransferSettings.Default.ChunkSize}-byte byte[] messages, no flow control", ceiling, warmUp: 1);
        Report("PayloadTransport, bulk channel", transport, warmUp: 1);
        Report($"PayloadTransport, chunks only (chunk {TransferSettings.Default.ChunkSize} B, window {TransferSettings.Default.Window})", chunks, warmUp: 1);
        output.WriteLine($"transport / raw TCP throughput: {Median(raw, 1).TotalSeconds / Median(transport, 1).TotalSeconds:F3}");
    }

    private void Report(string what, IReadOnlyList<TimeSpan> times, int warmUp)
    {
        var median = Median(times, warmUp);
        output.WriteLine($"{what}: median {median.TotalMilliseconds:F0} ms = {Bytes / median.TotalSeconds / 1e6:F0} MB/s " +
                         $"(runs: {string.Join(", ", times.Select(t => t.TotalMilliseconds.ToString("F0")))} ms)");
    }

    private static TimeSpan Median(IReadOnlyList<TimeSpan> times, int warmUp)
    {
        var measured = times.Skip(warmUp).Order().ToList();
        return measured[measured.Count / 2];
    }
}
