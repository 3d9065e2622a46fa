using System.Numerics;
using static TorchSharp.torch;

namespace AttnRnnCluster.Model.Network.Batched;

/// <summary>
/// The weights the batched engine computes with: the parameters in their flat tensor, plus transposed views
/// (no copies) of the matrices the forward pass multiplies rows by, so every product is one libtorch GEMM.
/// </summary>
internal sealed class BatchedWeights<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    public BatchedWeights(ModelConfig config)
    {
        Parameters = new ParameterTensors<T>(config);
        InputT = Parameters.Transposed(Parameters.Input);
        RecurrentT = Parameters.Transposed(Parameters.Recurrent);
        HeadT = Parameters.Transposed(Parameters.Head);
        ScoreT = Parameters.Score is null ? null : Parameters.Transposed(Parameters.Score);
        ValueT = Parameters.Value is null ? null : Parameters.Transposed(Parameters.Value);
    }

    public ParameterTensors<T> Parameters { get; }
    /// <summary>W_xh^T: [D, H].</summary>
    public Tensor InputT { get; }
    /// <summary>W_hh^T: [H, H].</summary>
    public Tensor RecurrentT { get; }
    /// <summary>W_hy^T: [H, O].</summary>
    public Tensor HeadT { get; }
    /// <summary>W_a^T: [H, D] (attention only).</summary>
    public Tensor? ScoreT { get; }
    /// <summary>W_v^T: [D, H] (attention only).</summary>
    public Tensor? ValueT { get; }
    public bool Loaded { get; private set; }

    public void Load<TSource>(ReadOnlySpan<TSource> flat) where TSource : INumberBase<TSource>
    {
        var target = Parameters.Flat.Span(0, flat.Length);
        for (int i = 0; i < flat.Length; i++) target[i] = T.CreateTruncating(flat[i]);
        Loaded = true;
    }

    public void Dispose() => Parameters.Dispose();
}
