namespace AttnRnnCluster.Model.Tests.Network.Fast;

internal static class FastAssert
{
    /// <summary>Each element within <paramref name="tolerance"/> times max(1, |expected|).</summary>
    public static void Close(IReadOnlyList<float> expected, IReadOnlyList<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - (double)actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"{what}, element {i}: expected {expected[i]}, got {actual[i]}");
    }

    /// <summary>The largest difference, each taken relative to max(1, |expected|).</summary>
    public static double WorstError(IReadOnlyList<float> expected, IReadOnlyList<float> actual) =>
        expected.Zip(actual, (e, a) => Math.Abs(e - (double)a) / Math.Max(1, Math.Abs(e))).Max();
}
