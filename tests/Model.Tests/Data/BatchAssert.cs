using AttnRnnCluster.Model.Data;

namespace AttnRnnCluster.Model.Tests.Data;

internal static class BatchAssert
{
    /// <summary>Same shape and bit-identical contents.</summary>
    public static void Identical(Batch expected, Batch actual)
    {
        Assert.Equal((expected.Count, expected.Steps, expected.Width, expected.OutputWidth), (actual.Count, actual.Steps, actual.Width, actual.OutputWidth));
        Assert.Equal(expected.Lengths, actual.Lengths);
        Assert.Equal(expected.Features, actual.Features);
        Assert.Equal(expected.Tokens, actual.Tokens);
        Assert.Equal(expected.RegressionTargets, actual.RegressionTargets);
        Assert.Equal(expected.ClassTargets, actual.ClassTargets);
        Assert.Equal(expected.TokenTargets, actual.TokenTargets);
    }

    /// <summary>The batches of steps 0..count-1 built in reverse order and on many threads equal those built in order.</summary>
    public static void SameInAnyOrder(Func<IDataSource> create, int count, int batchSize)
    {
        IDataSource inOrder = create();
        Batch[] expected = new Batch[count];
        for (int step = 0; step < count; step++) expected[step] = inOrder.TrainBatch(step, batchSize);

        IDataSource reversed = create();
        for (int step = count - 1; step >= 0; step--) Identical(expected[step], reversed.TrainBatch(step, batchSize));

        IDataSource shared = create();
        var parallel = new Batch[count * 4];
        Parallel.For(0, parallel.Length, i => parallel[i] = shared.TrainBatch(i % count, batchSize));
        for (int i = 0; i < parallel.Length; i++) Identical(expected[i % count], parallel[i]);
    }
}
