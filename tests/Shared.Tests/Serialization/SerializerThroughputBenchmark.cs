using System.Diagnostics;
using AttnRnnCluster.Shared.Protocol;
using AttnRnnCluster.Shared.Serialization;
using Xunit.Abstractions;

namespace AttnRnnCluster.Shared.Tests.Serialization;

/// <summary>Issue 7 item 3: encode and decode of a 64 MB weight update, in GB/s of encoded bytes (best of 10).</summary>
public sealed class SerializerThroughputBenchmark(WireSystemFixture fixture, ITestOutputHelper output) : IClassFixture<WireSystemFixture>
{
    private const int ParameterCount = 16 * 1024 * 1024;

    [BenchmarkFact]
    public void Encode_and_decode_a_64_MB_weight_update()
    {
        var values = new float[ParameterCount];
        for (var i = 0; i < values.Length; i++)
            values[i] = MathF.Sin(i);
        var update = new WeightsUpdate(1, new ParameterBuffer([new TensorSlot("all", [ParameterCount], 0)], values));

        foreach (var precision in new[] { WirePrecision.F32, WirePrecision.Bf16 })
        {
            var serializer = fixture.Serializer(precision);
            var bytes = serializer.ToBinary(update);
            var encode = Best(() => serializer.ToBinary(update));
            var decode = Best(() => serializer.FromBinary(bytes, "wu"));
            output.WriteLine($"{precision.Name()}: {bytes.Length / 1e6:F1} MB encoded; encode {Rate(bytes.Length, encode)}, decode {Rate(bytes.Length, decode)}");
        }
    }

    private static TimeSpan Best(Action run)
    {
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < 10; i++)
        {
            var clock = Stopwatch.StartNew();
            run();
            best = clock.Elapsed < best ? clock.Elapsed : best;
        }
        return best;
    }

    private static string Rate(int bytes, TimeSpan time) => $"{time.TotalMilliseconds:F1} ms = {bytes / time.TotalSeconds / 1e9:F2} GB/s";
}
