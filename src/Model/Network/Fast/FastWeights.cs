using System.Numerics;

namespace AttnRnnCluster.Model.Network.Fast;

/// <summary>
/// The weights the engine computes with: the parameters, plus W_hh and W_hy transposed, so that both the
/// forward pass (state times W_hh^T) and the backward pass (gradient times W_hh) read whole rows.
/// </summary>
internal sealed class FastWeights<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public FastWeights(ModelConfig config, PaddedSizes sizes)
    {
        Parameters = new FastParameters<T>(config, sizes);
        RecurrentT = new T[sizes.Hidden * sizes.Hidden];
        HeadT = new T[sizes.Hidden * sizes.Outputs];
    }

    public FastParameters<T> Parameters { get; }
    /// <summary>W_hh transposed: [Hp, Hp].</summary>
    public T[] RecurrentT { get; }
    /// <summary>W_hy transposed: [Hp, Op].</summary>
    public T[] HeadT { get; }
    public bool Loaded { get; private set; }

    public void Load<TSource>(ReadOnlySpan<TSource> flat) where TSource : INumberBase<TSource>
    {
        Parameters.Load(flat);
        int hp = Parameters.Bias.Length, op = Parameters.HeadBias.Length, o = Parameters.Head.Length / hp;
        Transpose(Parameters.Recurrent, hp, hp, RecurrentT, hp);
        Transpose(Parameters.Head, o, hp, HeadT, op);
        Loaded = true;
    }

    private static void Transpose(T[] source, int rows, int columns, T[] target, int targetStride)
    {
        for (int r = 0; r < rows; r++)
        for (int c = 0; c < columns; c++)
            target[c * targetStride + r] = source[r * columns + c];
    }
}
