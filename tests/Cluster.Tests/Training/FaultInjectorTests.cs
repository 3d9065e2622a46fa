using AttnRnnCluster.Protocol.Wire;
using AttnRnnCluster.Worker.Training;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>The injected faults on a gradient as the worker sends it; whole runs with them: FaultyWorkerTests.</summary>
public sealed class FaultInjectorTests
{
    [Fact]
    public void A_flipped_bit_in_a_bf16_run_is_one_bf16_keeps_so_that_it_survives_the_wire()
    {
        float[] gradient = [1.5f, 2];
        float[] sent = [.. gradient];

        new FaultInjector(WorkerFault.FlipBit1Pct).Corrupt(sent, WirePrecision.Bf16);

        Assert.True(BFloat16.IsExact(sent[0]));
        Assert.NotEqual(BFloat16.ToSingle(BFloat16.FromSingle(gradient[0])), BFloat16.ToSingle(BFloat16.FromSingle(sent[0])));
        Assert.Equal(gradient[1], sent[1]);
    }

    [Fact]
    public void A_flipped_bit_in_an_f32_run_is_the_lowest()
    {
        float[] sent = [1.5f];

        new FaultInjector(WorkerFault.FlipBit1Pct).Corrupt(sent, WirePrecision.F32);

        Assert.Equal(BitConverter.SingleToUInt32Bits(1.5f) ^ 1, BitConverter.SingleToUInt32Bits(sent[0]));
    }
}
