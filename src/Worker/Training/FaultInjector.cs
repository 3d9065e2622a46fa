using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Worker.Training;

/// <summary>Does to a worker's results what its <see cref="WorkerFault"/> says; with <see cref="WorkerFault.None"/>, nothing.</summary>
public sealed class FaultInjector(WorkerFault fault)
{
    /// <summary>One gradient in this many has a bit flipped (<see cref="WorkerFault.FlipBit1Pct"/>).</summary>
    public const int FlipEvery = 100;

    private long _gradients;

    public bool FailsEveryShard => fault == WorkerFault.FailEveryShard;

    /// <summary>
    /// The gradient as this worker sends it in <paramref name="precision"/>; changed in place when the fault says so. A
    /// flipped bit is the lowest one the precision keeps, so that it survives the wire (bf16 drops float32's lower 16).
    /// </summary>
    public float[] Corrupt(float[] gradient, WirePrecision precision = WirePrecision.F32)
    {
        long index = _gradients++;
        switch (fault)
        {
            case WorkerFault.HugeGradient when gradient.Length > 0:
                gradient[0] = 1e30f;
                break;
            // Deterministic rather than random: the first gradient and every hundredth after it, so a test knows it happens.
            case WorkerFault.FlipBit1Pct when gradient.Length > 0 && index % FlipEvery == 0:
                gradient[0] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(gradient[0]) ^ (precision == WirePrecision.Bf16 ? 1 << 16 : 1));
                break;
        }
        return gradient;
    }
}
