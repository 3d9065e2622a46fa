using System.Numerics;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Model.Network.Fast;

/// <summary>
/// A model's parameters (or their gradients) as padded row-major arrays, each stored the way round the engine
/// reads it: W_xh and W_v transposed to [D, H] so a step's input and context add whole rows to the state,
/// the others as the spec has them. Converts to and from the flat <see cref="ParameterLayout"/> vector.
/// </summary>
internal sealed class FastParameters<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ModelConfig _config;
    private readonly ParameterLayout _layout;

    public FastParameters(ModelConfig config, PaddedSizes sizes)
    {
        _config = config;
        _layout = ParameterLayout.For(config);
        int d = config.InputWidth, hp = sizes.Hidden;
        Embedding = new T[config.VocabSize * d];
        InputT = new T[d * hp];
        Recurrent = new T[hp * hp];
        Bias = new T[hp];
        Score = new T[config.Attention ? d * hp : 0];
        ValueT = new T[config.Attention ? d * hp : 0];
        Head = new T[config.OutputWidth * hp];
        HeadBias = new T[sizes.Outputs];
    }

    /// <summary>E: [V, D] (token input only).</summary>
    public T[] Embedding { get; }
    /// <summary>W_xh transposed: [D, Hp].</summary>
    public T[] InputT { get; }
    /// <summary>W_hh: [Hp, Hp].</summary>
    public T[] Recurrent { get; }
    /// <summary>b_h: [Hp].</summary>
    public T[] Bias { get; }
    /// <summary>W_a: [D, Hp] (attention only).</summary>
    public T[] Score { get; }
    /// <summary>W_v transposed: [D, Hp] (attention only).</summary>
    public T[] ValueT { get; }
    /// <summary>W_hy: [O, Hp].</summary>
    public T[] Head { get; }
    /// <summary>b_y: [Op].</summary>
    public T[] HeadBias { get; }

    public void Clear()
    {
        foreach (var (_, array, _, _) in Blocks()) Array.Clear(array);
    }

    /// <summary>Reads every parameter from <paramref name="flat"/> (layout order); the padding stays zero.</summary>
    public void Load<TSource>(ReadOnlySpan<TSource> flat) where TSource : INumberBase<TSource>
    {
        foreach (var (spec, array, stride, transposed) in Blocks())
        {
            var (rows, columns) = Matrix(spec);
            for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                array[transposed ? c * stride + r : r * stride + c] = T.CreateTruncating(flat[spec.Offset + r * columns + c]);
        }
    }

    /// <summary>Writes every parameter into <paramref name="flat"/> (layout order), rounded to float32.</summary>
    public void Pack(Span<float> flat)
    {
        foreach (var (spec, array, stride, transposed) in Blocks())
        {
            var (rows, columns) = Matrix(spec);
            for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                flat[spec.Offset + r * columns + c] = float.CreateTruncating(array[transposed ? c * stride + r : r * stride + c]);
        }
    }

    /// <summary>Each parameter of the layout with its array, the array's row stride, and whether it is stored transposed.</summary>
    private IEnumerable<(ParameterSpec Spec, T[] Array, int Stride, bool Transposed)> Blocks()
    {
        int hp = Bias.Length, d = _config.InputWidth;
        foreach (var spec in _layout.Parameters)
            yield return spec.Name switch
            {
                "embedding.weight" => (spec, Embedding, d, false),
                "cell.w_xh" => (spec, InputT, hp, true),
                "cell.w_hh" => (spec, Recurrent, hp, false),
                "cell.b_h" => (spec, Bias, hp, false),
                "attention.w_a" => (spec, Score, hp, false),
                "attention.w_v" => (spec, ValueT, hp, true),
                "head.weight" => (spec, Head, hp, false),
                "head.bias" => (spec, HeadBias, HeadBias.Length, false),
                _ => throw new InvalidOperationException($"the fast engine does not know the parameter {spec.Name}"),
            };
    }

    private static (int Rows, int Columns) Matrix(ParameterSpec spec) => spec.Shape.Length == 1 ? (1, spec.Shape[0]) : (spec.Shape[0], spec.Shape[1]);
}
