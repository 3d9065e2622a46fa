namespace AttnRnnCluster.Model.Training;

internal static class OptimizerChecks
{
    public static void Sizes(int size, int weights, int gradient)
    {
        if (weights != size || gradient != size)
            throw new ArgumentException($"optimizer: built for {size} weights, given {weights} weights and {gradient} gradient values");
    }
}
