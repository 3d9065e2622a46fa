using AttnRnnCluster.Model.Training;
using BenchmarkDotNet.Attributes;

namespace AttnRnnCluster.Benchmarks.Micro;

/// <summary>One Adam update of 1M weights (the coordinator's optimizer, plain C# in double).</summary>
public class AdamBenchmarks
{
    private const int Size = 1 << 20;
    private readonly float[] _weights = new float[Size];
    private readonly float[] _gradient = Enumerable.Range(0, Size).Select(i => MathF.Sin(i) * 1e-3f).ToArray();
    private readonly AdamOptimizer _adam = new(Size);

    [Benchmark]
    public void StepOverOneMillionWeights() => _adam.Step(_weights, _gradient, learningRate: 0.002);
}
