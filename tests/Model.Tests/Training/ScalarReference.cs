namespace AttnRnnCluster.Model.Tests.Training;

/// <summary>
/// The coordinator's update written the simple way, one value at a time (the code before it was vectorized, fused and
/// spread over cores): the vectorized paths must give these bits exactly. Test-only on purpose.
/// </summary>
internal static class ScalarReference
{
    /// <summary>Shards added one after the other in shard order: ((g0 + g1) + g2) + ...</summary>
    public static float[] SumInShardOrder(IReadOnlyList<float[]> shards)
    {
        var sum = shards[0].ToArray();
        foreach (var shard in shards.Skip(1))
            for (int i = 0; i < sum.Length; i++) sum[i] += shard[i];
        return sum;
    }

    /// <summary>The documented order: blocks of 16,384 values, 8 partial sums per block (value i to lane i mod 8), lanes then blocks in order.</summary>
    public static double SumOfSquares(IReadOnlyList<float> values)
    {
        const int block = 1 << 14, lanes = 8;
        double total = 0;
        for (int start = 0; start < values.Count; start += block)
        {
            var partial = new double[lanes];
            for (int i = start; i < Math.Min(values.Count, start + block); i++) partial[(i - start) % lanes] += (double)values[i] * values[i];
            double blockSum = 0;
            foreach (double lane in partial) blockSum += lane;
            total += blockSum;
        }
        return total;
    }

    /// <summary>Mean over the items, clipped by global norm: the stored float gradient the old code handed to the optimizer, and the norm.</summary>
    public static (float[] Gradient, double Norm) MeanAndClip(float[] sum, long count, double maxNorm)
    {
        float items = count;
        var gradient = sum.Select(s => s / items).ToArray();
        double norm = Math.Sqrt(SumOfSquares(gradient));
        double scale = maxNorm / (norm + 1e-6);
        if (maxNorm > 0 && scale < 1)
            for (int i = 0; i < gradient.Length; i++) gradient[i] = (float)(gradient[i] * scale);
        return (gradient, norm);
    }

    /// <summary>Adam in double per element, stored as float: the pre-vector code, line for line.</summary>
    public sealed class Adam(int size, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        private readonly float[] _m = new float[size];
        private readonly float[] _v = new float[size];
        private long _step;

        public void Step(float[] weights, float[] gradient, double learningRate)
        {
            _step++;
            double stepSize = learningRate / (1 - Math.Pow(beta1, _step));
            double correction2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, _step));
            for (int i = 0; i < weights.Length; i++)
            {
                double g = gradient[i];
                double m = _m[i] = (float)(beta1 * _m[i] + (1 - beta1) * g);
                double v = _v[i] = (float)(beta2 * _v[i] + (1 - beta2) * g * g);
                weights[i] = (float)(weights[i] - stepSize * m / (Math.Sqrt(v) / correction2Sqrt + epsilon));
            }
        }
    }

    /// <summary>SGD with momentum as before: buffer = g first, then momentum * buffer + g; w -= lr * buffer.</summary>
    public sealed class Sgd(int size, double momentum = 0.9)
    {
        private readonly float[] _buffer = new float[size];
        private bool _started;

        public void Step(float[] weights, float[] gradient, double learningRate)
        {
            for (int i = 0; i < weights.Length; i++)
            {
                double b = _buffer[i] = !_started ? gradient[i] : (float)(momentum * _buffer[i] + gradient[i]);
                weights[i] = (float)(weights[i] - learningRate * b);
            }
            _started = true;
        }
    }

    /// <summary>Values of many magnitudes and both signs (so that a changed order of operations shows in the bits).</summary>
    public static float[] Values(int count, int seed, int smallestPower = -6, int largestPower = 2)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(smallestPower, largestPower + 1)))).ToArray();
    }
}
