namespace AttnRnnCluster.Model.Training;

internal static class OptimizerChecks
{
    public static void Sizes(int size, int weights, int gradient)
    {
        if (weights != size || gradient != size)
            throw new ArgumentException($"optimizer: built for {size} weights, given {weights} weights and {gradient} gradient values");
    }

    /// <summary>A copy target is empty (no copy) or as long as the weights.</summary>
    public static void CopyTarget(int weights, int copyTo)
    {
        if (copyTo != 0 && copyTo != weights)
            throw new ArgumentException($"optimizer: the copy of {weights} updated weights was given a buffer of {copyTo}");
    }
}
