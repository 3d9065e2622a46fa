using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AttnRnnCluster.Model.Network;

/// <summary>
/// The reference <see cref="IGradientEngine"/>: <see cref="AttnRnnNetwork"/> plus <see cref="Losses"/>, with
/// gradients from libtorch's autograd. Any faster engine must agree with this one. Weights live in the module
/// between calls; nothing else does (gradients come from <c>autograd.grad</c>, never accumulate in
/// <c>.grad</c>), so a result depends only on (weights, shard).
/// </summary>
public sealed class AutogradEngine : IGradientEngine
{
    private readonly AttnRnnNetwork _network;
    private readonly Parameter[] _parameters;
    private readonly ScalarType _dtype;
    private bool _hasWeights;

    /// <param name="dtype">Float32 to train; Float64 for finite-difference checks.</param>
    public AutogradEngine(ModelConfig config, ScalarType dtype = ScalarType.Float32)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64))
            throw new ArgumentException($"the engine computes in Float32 or Float64, not {dtype}", nameof(dtype));
        _dtype = dtype;
        _network = new AttnRnnNetwork(config, dtype);
        Layout = ParameterLayout.For(config);
        var byName = _network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        _parameters = Layout.Parameters.Select(spec => byName[spec.Name]).ToArray();
    }

    public ModelConfig Config => _network.Config;
    public ParameterLayout Layout { get; }

    public void SetWeights(ReadOnlySpan<float> flat)
    {
        CheckWeightCount(flat.Length);
        using var all = tensor(flat.ToArray());
        CopyIntoParameters(all);
    }

    /// <summary>Replaces every weight without rounding to float32 first (for finite differences in Float64).</summary>
    public void SetWeights(ReadOnlySpan<double> flat)
    {
        CheckWeightCount(flat.Length);
        using var all = tensor(flat.ToArray());
        CopyIntoParameters(all);
    }

    public ShardResult ComputeGradient(Batch shard)
    {
        using var scope = NewDisposeScope();
        using var batch = Tensors(shard);
        var loss = Losses.Sum(_network.Outputs(batch.Input, batch.RealSteps), batch, Config);
        var gradients = autograd.grad([loss], _parameters);
        var flat = cat(gradients.Select(g => g.flatten()).ToList(), 0).to(ScalarType.Float32);
        return new ShardResult(flat.data<float>().ToArray(), loss.to(ScalarType.Float64).item<double>(), shard.LossItems);
    }

    public (double LossSum, long Count) Evaluate(Batch shard)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var batch = Tensors(shard);
        var loss = Losses.Sum(_network.Outputs(batch.Input, batch.RealSteps), batch, Config);
        return (loss.to(ScalarType.Float64).item<double>(), shard.LossItems);
    }

    /// <summary>y_t for every step, [B*T*O] row-major (padded steps included; their values mean nothing).</summary>
    public float[] Forward(Batch batch)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var tensors = Tensors(batch);
        return _network.Outputs(tensors.Input, tensors.RealSteps).to(ScalarType.Float32).data<float>().ToArray();
    }

    public void Dispose() => _network.Dispose();

    /// <summary>The module's parameters start uninitialized (or from libtorch's own RNG): never compute with them.</summary>
    private BatchTensors Tensors(Batch batch)
    {
        if (!_hasWeights) throw new InvalidOperationException("the engine has no weights yet: call SetWeights first");
        return BatchTensors.From(batch, Config, _dtype);
    }

    private void CheckWeightCount(int length)
    {
        if (length != Layout.TotalSize)
            throw new ArgumentException($"weights: expected {Layout.TotalSize} values for this model, got {length}");
    }

    private void CopyIntoParameters(Tensor all)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (spec, parameter) in Layout.Parameters.Zip(_parameters))
            parameter.copy_(all.narrow(0, spec.Offset, spec.Size).reshape(spec.Shape.Select(s => (long)s).ToArray()));
        _hasWeights = true;
    }
}
