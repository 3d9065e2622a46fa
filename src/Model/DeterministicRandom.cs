namespace AttnRnnCluster.Model;

/// <summary>
/// A small counter-based random source (SplitMix64) whose output depends only on its key: never on the
/// .NET version, the platform or libtorch. Everything random in the project (initial weights, batches,
/// shuffles) is drawn from one of these keyed by (seed, purpose, index), so that a batch for step s can be
/// rebuilt anywhere, at any time, in any order.
/// </summary>
public sealed class DeterministicRandom
{
    private ulong _state;

    public DeterministicRandom(ulong seed, ulong stream = 0, ulong index = 0)
    {
        // Mix the three keys so that neighbouring (stream, index) pairs give unrelated sequences.
        _state = Mix(Mix(seed ^ 0x9E3779B97F4A7C15UL) ^ Mix(stream + 0xD1B54A32D192ED03UL) ^ Mix(index + 0x8CB92BA72F3D8DD7UL));
    }

    /// <summary>Well-known streams, so two purposes never share random numbers by accident.</summary>
    public static class Streams
    {
        public const ulong Init = 1;
        public const ulong TrainBatch = 2;
        public const ulong HeldOut = 3;
        public const ulong Shuffle = 4;
        public const ulong Sampling = 5;
    }

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1) with 24 random bits (exactly representable as float32).</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [low, high).</summary>
    public float NextUniform(float low, float high) => low + (high - low) * NextFloat();

    /// <summary>Uniform integer in [0, n) without modulo bias.</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), "n must be positive");
        ulong limit = ulong.MaxValue - ulong.MaxValue % (ulong)n;
        ulong x;
        do x = NextUInt64(); while (x >= limit);
        return (int)(x % (ulong)n);
    }

    /// <summary>Standard normal (Box-Muller on doubles, then rounded once).</summary>
    public float NextGaussian()
    {
        double u1 = 1.0 - NextDouble(), u2 = NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }

    /// <summary>A uniformly random permutation of 0..n-1 (Fisher-Yates).</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
