namespace AttnRnnCluster.Worker.Training;

/// <summary>Does to a worker's results what its <see cref="WorkerFault"/> says; with <see cref="WorkerFault.None"/>, nothing.</summary>
public sealed class FaultInjector(WorkerFault fault)
{
    /// <summary>One gradient in this many has a bit flipped (<see cref="WorkerFault.FlipBit1Pct"/>).</summary>
    public const int FlipEvery = 100;

    private long _gradients;

    public bool FailsEveryShard => fault == WorkerFault.FailEveryShard;

    /// <summary>The gradient as this worker sends it; changed in place when the fault says so.</summary>
    public float[] Corrupt(float[] gradient)
    {
        long index = _gradients++;
        switch (fault)
        {
            case WorkerFault.HugeGradient when gradient.Length > 0:
                gradient[0] = 1e30f;
                break;
            // Deterministic rather than random: the first gradient and every hundredth after it, so a test knows it happens.
            case WorkerFault.FlipBit1Pct when gradient.Length > 0 && index % FlipEvery == 0:
                gradient[0] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(gradient[0]) ^ 1);
                break;
        }
        return gradient;
    }
}
