namespace AttnRnnCluster.Model.Training;

/// <summary>
/// An optimizer over the flat weight vector (<see cref="ParameterLayout"/> order), in plain C# so that the
/// coordinator needs no TorchSharp and a step gives the same bits everywhere.
/// </summary>
public interface IOptimizer
{
    /// <summary>The steps taken so far (PyTorch's <c>state["step"]</c>).</summary>
    long StepCount { get; }

    /// <summary>
    /// One update of <paramref name="weights"/> in place from the averaged, clipped gradient. Averaging and clipping are
    /// folded in: each gradient value is divided by <paramref name="gradientDivisor"/> (in float: the mean over the loss
    /// items) and then, when <paramref name="gradientScale"/> is not 1, multiplied by it in double and rounded to float
    /// (clipping) before the update reads it: the bits of storing the divided, then the clipped gradient first, without
    /// those passes and copies. When <paramref name="copyTo"/> is not empty (the same length as the weights) it receives the
    /// updated weights too, each block while it is still in the cache: a copy without a pass of its own (the coordinator's
    /// broadcast buffer).
    /// </summary>
    void Step(Memory<float> weights, ReadOnlyMemory<float> gradient, double learningRate, float gradientDivisor = 1, double gradientScale = 1,
        Memory<float> copyTo = default);

    /// <summary>Everything needed to continue exactly: a copy of the moments and the step count.</summary>
    OptimizerState Export();

    /// <summary>Continues from an exported state; throws naming what does not fit.</summary>
    void Import(OptimizerState state);
}
