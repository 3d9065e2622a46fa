namespace AttnRnnCluster.Model.Training;

/// <summary>
/// An optimizer over the flat weight vector (<see cref="ParameterLayout"/> order), in plain C# so that the
/// coordinator needs no TorchSharp and a step gives the same bits everywhere.
/// </summary>
public interface IOptimizer
{
    /// <summary>The steps taken so far (PyTorch's <c>state["step"]</c>).</summary>
    long StepCount { get; }

    /// <summary>One update of <paramref name="weights"/> in place from the (averaged, clipped) gradient.</summary>
    void Step(Span<float> weights, ReadOnlySpan<float> gradient, double learningRate);

    /// <summary>Everything needed to continue exactly: a copy of the moments and the step count.</summary>
    OptimizerState Export();

    /// <summary>Continues from an exported state; throws naming what does not fit.</summary>
    void Import(OptimizerState state);
}
