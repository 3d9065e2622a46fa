using System.Numerics;
using AttnRnnCluster.Model.Training;
using static TorchSharp.torch;

namespace AttnRnnCluster.Model.Network.Batched;

/// <summary>
/// A model's parameters (or their gradient) as one flat libtorch tensor in <see cref="ParameterLayout"/> order,
/// with a matrix view of each parameter as the spec shapes it: loading and packing are plain copies, and a
/// weight-gradient GEMM writes straight into its place in the flat vector.
/// </summary>
internal sealed class ParameterTensors<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly List<Tensor> _views = [];

    public ParameterTensors(ModelConfig config)
    {
        Layout = ParameterLayout.For(config);
        Flat = new NativeBuffer<T>(Layout.TotalSize);
        Embedding = config.Input == InputKind.Tokens ? View("embedding.weight") : null;
        Input = View("cell.w_xh");
        Recurrent = View("cell.w_hh");
        Bias = View("cell.b_h");
        Score = config.Attention ? View("attention.w_a") : null;
        Value = config.Attention ? View("attention.w_v") : null;
        Head = View("head.weight");
        HeadBias = View("head.bias");
    }

    public ParameterLayout Layout { get; }
    public NativeBuffer<T> Flat { get; }
    /// <summary>E: [V, D] (token input only).</summary>
    public Tensor? Embedding { get; }
    /// <summary>W_xh: [H, D].</summary>
    public Tensor Input { get; }
    /// <summary>W_hh: [H, H].</summary>
    public Tensor Recurrent { get; }
    /// <summary>b_h: [H].</summary>
    public Tensor Bias { get; }
    /// <summary>W_a: [D, H] (attention only).</summary>
    public Tensor? Score { get; }
    /// <summary>W_v: [H, D] (attention only).</summary>
    public Tensor? Value { get; }
    /// <summary>W_hy: [O, H].</summary>
    public Tensor Head { get; }
    /// <summary>b_y: [O].</summary>
    public Tensor HeadBias { get; }

    /// <summary>The values of one parameter, as a span over the flat tensor.</summary>
    public Span<T> Values(string name)
    {
        var spec = Layout[name];
        return Flat.Span(spec.Offset, spec.Size);
    }

    /// <summary>A transposed view of <paramref name="matrix"/> kept (and disposed) with these tensors.</summary>
    public Tensor Transposed(Tensor matrix) => Keep(matrix.t());

    public void Dispose()
    {
        foreach (var view in _views) view.Dispose();
        Flat.Dispose();
    }

    private Tensor View(string name)
    {
        var spec = Layout[name];
        using var flat = Flat.Tensor.narrow(0, spec.Offset, spec.Size);
        return Keep(flat.view(spec.Shape.Select(s => (long)s).ToArray()));
    }

    private Tensor Keep(Tensor view)
    {
        _views.Add(view);
        return view;
    }
}
