using AttnRnnCluster.Benchmarks.Figures;
using AttnRnnCluster.Model.Training;
using BenchmarkDotNet.Attributes;

namespace AttnRnnCluster.Benchmarks.Micro;

/// <summary>The coordinator's reduction: 4 micro-shards' gradients of the H=64 model summed in shard order.</summary>
[MemoryDiagnoser]
public class ShardSumBenchmarks
{
    private readonly List<ShardResult> _shards = [];

    [GlobalSetup]
    public void Setup()
    {
        int size = ParameterLayout.For(AddingModel.Config(64)).TotalSize;
        for (int shard = 0; shard < 4; shard++)
            _shards.Add(new ShardResult(Enumerable.Range(0, size).Select(i => MathF.Cos(i + shard)).ToArray(), shard, 16));
    }

    [Benchmark]
    public ShardResult SumOfFourShards() => ShardResults.Sum(_shards);
}
