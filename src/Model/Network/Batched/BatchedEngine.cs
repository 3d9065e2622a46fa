using System.Numerics;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Training;
using TorchSharp;

namespace AttnRnnCluster.Model.Network.Batched;

/// <summary>
/// An <see cref="IGradientEngine"/> for real model sizes: a shard's sequences go through the recurrence together,
/// so each step is a matrix-matrix product (libtorch's GEMM, at the machine's limit) instead of one row times
/// W_hh per sequence, and every weight gradient is one large GEMM gathered over all steps (see
/// <see cref="GroupPass{T}"/>). The same function and gradient as <see cref="AutogradEngine"/> (the reference,
/// which tests check it against). <typeparamref name="T"/> is float to train, double for the tests.
/// <para>
/// Threads: the shard is cut into fixed groups of <see cref="GroupSize"/> sequences (the cut depends on the
/// shard alone), each group runs forward and back on its own, and the group results are summed in group order.
/// With <c>threads</c> &gt; 1 the groups run on that many .NET threads at once; each libtorch call stays on one
/// intra-op thread, so a GEMM never splits a sum differently, and the result is the same bits whatever the
/// thread count: a function of (weights, shard) for a machine type. Not thread-safe itself.
/// </para>
/// </summary>
public sealed class BatchedEngine<T> : IGradientEngine where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Sequences per group: 16 keeps the per-step GEMMs near the machine's rate and gives a 32-sequence shard two groups for two threads.</summary>
    public const int DefaultGroupSize = 16;

    /// <summary>The most threads an engine accepts (a guard against a typo, far above any core count here).</summary>
    public const int MaxThreads = 256;

    private readonly BatchedWeights<T> _weights;
    private readonly List<GroupPass<T>> _passes = [];
    private readonly List<ParameterTensors<T>> _groupGradients = [];

    public BatchedEngine(ModelConfig config, int threads = 1, int groupSize = DefaultGroupSize)
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
            throw new NotSupportedException($"the batched engine computes in float or double, not {typeof(T).Name}");
        if (threads < 1 || threads > MaxThreads)
            throw new ArgumentOutOfRangeException(nameof(threads), $"threads must be in 1..{MaxThreads} (got {threads})");
        if (groupSize < 1) throw new ArgumentOutOfRangeException(nameof(groupSize), $"groupSize must be at least 1 (got {groupSize})");
        config.Validate();
        Config = config;
        Layout = ParameterLayout.For(config);
        Threads = threads;
        GroupSize = groupSize;
        // One intra-op thread for every libtorch call, as TorchRuntime sets it: a GEMM split across threads
        // may sum in a different order, and the groups are this engine's parallelism.
        torch.set_num_threads(1);
        _weights = new BatchedWeights<T>(config);
    }

    public ModelConfig Config { get; }
    public ParameterLayout Layout { get; }
    public int Threads { get; }
    public int GroupSize { get; }

    public void SetWeights(ReadOnlySpan<float> flat)
    {
        CheckWeightCount(flat.Length);
        _weights.Load(flat);
    }

    /// <summary>Replaces every weight without rounding to float32 first (for finite differences in double).</summary>
    public void SetWeights(ReadOnlySpan<double> flat)
    {
        CheckWeightCount(flat.Length);
        _weights.Load(flat);
    }

    public ShardResult ComputeGradient(Batch shard)
    {
        int groups = Prepare(shard);
        while (_groupGradients.Count < groups) _groupGradients.Add(new ParameterTensors<T>(Config));
        var losses = new double[groups];
        RunGroups(shard, groups, (pass, group, first, count) =>
        {
            int steps = LongestIn(shard, first, count);
            losses[group] = pass.Forward(_weights, shard, first, count, steps, withGradient: true);
            pass.Backward(_weights, shard, first, count, steps, _groupGradients[group]);
        });
        // In group order, whatever the thread count.
        var sum = _groupGradients[0].Flat.Span(0, Layout.TotalSize);
        double lossSum = losses[0];
        for (int group = 1; group < groups; group++)
        {
            RowKernels<T>.Add(sum, _groupGradients[group].Flat.Span(0, Layout.TotalSize));
            lossSum += losses[group];
        }
        var gradient = new float[Layout.TotalSize];
        for (int i = 0; i < gradient.Length; i++) gradient[i] = float.CreateTruncating(sum[i]);
        return new ShardResult(gradient, lossSum, shard.LossItems);
    }

    public (double LossSum, long Count) Evaluate(Batch shard)
    {
        int groups = Prepare(shard);
        var losses = new double[groups];
        RunGroups(shard, groups, (pass, group, first, count) =>
            losses[group] = pass.Forward(_weights, shard, first, count, LongestIn(shard, first, count), withGradient: false));
        return (losses.Sum(), shard.LossItems);
    }

    /// <summary>y_t for every step, [B*T*O] row-major (padded steps included, computed from zero inputs; their values mean nothing).</summary>
    public float[] Forward(Batch batch)
    {
        int groups = Prepare(batch), o = Config.OutputWidth, steps = batch.Steps;
        var outputs = new float[batch.Count * steps * o];
        RunGroups(batch, groups, (pass, _, first, count) =>
        {
            pass.Forward(_weights, batch, first, count, steps, withGradient: false, withLoss: false);
            for (int b = 0; b < count; b++)
            for (int t = 0; t < steps; t++)
            {
                var y = pass.Output(count, t, b);
                for (int k = 0; k < o; k++) outputs[((first + b) * steps + t) * o + k] = float.CreateTruncating(y[k]);
            }
        });
        return outputs;
    }

    public void Dispose()
    {
        foreach (var pass in _passes) pass.Dispose();
        foreach (var gradient in _groupGradients) gradient.Dispose();
        _weights.Dispose();
    }

    /// <summary>Group g is sequences [g * GroupSize, ...); thread k runs the groups k, k + N, ... on its own pass buffers.</summary>
    private void RunGroups(Batch batch, int groups, Action<GroupPass<T>, int, int, int> run)
    {
        int workers = Math.Min(Threads, groups);
        void Work(int worker)
        {
            // OpenMP's thread count is a per-thread setting: a thread that did not set it (a pool thread, an actor's
            // thread) would let libtorch split a GEMM over every core, and sum in another order. Each computing
            // thread pins it to one before its first libtorch call.
            torch.set_num_threads(1);
            for (int group = worker; group < groups; group += workers)
            {
                int first = group * GroupSize;
                run(_passes[worker], group, first, Math.Min(GroupSize, batch.Count - first));
            }
        }
        if (workers == 1) Work(0);
        else Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, Work);
    }

    private static int LongestIn(Batch batch, int first, int count) => batch.Lengths.AsSpan(first, count).ToArray().Max();

    /// <summary>Checks the batch and makes pass buffers for as many steps as it has; returns its number of groups.</summary>
    private int Prepare(Batch batch)
    {
        if (!_weights.Loaded) throw new InvalidOperationException("the engine has no weights yet: call SetWeights first");
        BatchChecks.Validate(batch, Config);
        int groups = (batch.Count + GroupSize - 1) / GroupSize, workers = Math.Min(Threads, groups);
        // Buffers grow to at least twice their old length, so a caller that lengthens its sequences one step at a time
        // (sample) reallocates a logarithmic number of times; results never depend on the capacity.
        for (int i = 0; i < _passes.Count; i++)
            if (_passes[i].Capacity < batch.Steps)
            {
                int capacity = Math.Max(batch.Steps, 2 * _passes[i].Capacity);
                _passes[i].Dispose();
                _passes[i] = new GroupPass<T>(Config, GroupSize, capacity);
            }
        while (_passes.Count < workers) _passes.Add(new GroupPass<T>(Config, GroupSize, _passes.Count > 0 ? _passes[0].Capacity : batch.Steps));
        return groups;
    }

    private void CheckWeightCount(int length)
    {
        if (length != Layout.TotalSize)
            throw new ArgumentException($"weights: expected {Layout.TotalSize} values for this model, got {length}");
    }
}
