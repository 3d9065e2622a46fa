using AttnRnnCluster.Model.Data;

namespace AttnRnnCluster.Model.Tests.Data;

public sealed class AddingSourceTests
{
    [Fact]
    public void Describes_a_dense_regression_task()
    {
        var source = new AddingSource(steps: 100, seed: 1);
        Assert.Equal(("adding", InputKind.Dense, 2, TargetKind.Regression, 1), (source.Name, source.Input, source.InputWidth, source.Target, source.OutputWidth));
        Assert.Null(source.Vocabulary);
        Assert.Contains("T=100", source.Description);
    }

    [Fact]
    public void The_same_seed_and_step_give_the_same_batch_and_other_steps_or_seeds_differ()
    {
        Batch batch = new AddingSource(50, seed: 7).TrainBatch(3, 16);
        BatchAssert.Identical(batch, new AddingSource(50, seed: 7).TrainBatch(3, 16));
        Assert.NotEqual(batch.Features, new AddingSource(50, seed: 7).TrainBatch(4, 16).Features);
        Assert.NotEqual(batch.Features, new AddingSource(50, seed: 8).TrainBatch(3, 16).Features);
    }

    [Fact]
    public void Batches_do_not_depend_on_the_order_or_thread_they_are_built_in() =>
        BatchAssert.SameInAnyOrder(() => new AddingSource(20, seed: 3), count: 8, batchSize: 5);

    [Theory]
    [InlineData(100)]
    [InlineData(7)]
    [InlineData(2)]
    public void Every_sequence_has_one_marker_per_half_and_the_target_is_the_sum_of_the_marked_values(int steps)
    {
        Batch batch = new AddingSource(steps, seed: 11).TrainBatch(0, 200);
        Assert.Equal((200, steps, 2, 1), (batch.Count, batch.Steps, batch.Width, batch.OutputWidth));
        Assert.All(batch.Lengths, length => Assert.Equal(steps, length));
        float[] x = batch.Features!;
        var firstMarkers = new HashSet<int>();
        for (int b = 0; b < batch.Count; b++)
        {
            var marked = new List<int>();
            float sum = 0;
            for (int t = 0; t < steps; t++)
            {
                float value = x[(b * steps + t) * 2], marker = x[(b * steps + t) * 2 + 1];
                Assert.InRange(value, 0f, 0.99999994f);
                Assert.True(marker is 0f or 1f, $"marker {marker} at sequence {b}, step {t}");
                if (marker == 1f) { marked.Add(t); sum += value; }
            }
            Assert.Equal(2, marked.Count);
            Assert.InRange(marked[0], 0, steps / 2 - 1);
            Assert.InRange(marked[1], steps / 2, steps - 1);
            Assert.Equal(sum, batch.RegressionTargets![b]);
            firstMarkers.Add(marked[0]);
        }
        Assert.True(firstMarkers.Count >= Math.Min(steps / 2, 3), $"the first marker only ever fell on {string.Join(", ", firstMarkers)}");
    }

    [Fact]
    public void Always_predicting_one_scores_about_a_sixth_on_the_held_out_set()
    {
        Batch heldOut = new AddingSource(100, seed: 0).HeldOut!;
        Assert.Equal(1000, heldOut.Count);
        double squaredError = 0;
        foreach (float target in heldOut.RegressionTargets!) squaredError += (target - 1.0) * (target - 1.0);
        Assert.InRange(squaredError / heldOut.Count, 0.155, 0.18);
    }

    [Fact]
    public void The_held_out_set_is_fixed_sized_as_asked_and_apart_from_training()
    {
        var source = new AddingSource(30, seed: 5, heldOutSize: 64);
        Assert.Equal(64, source.HeldOut!.Count);
        BatchAssert.Identical(source.HeldOut, new AddingSource(30, seed: 5, heldOutSize: 64).HeldOut!);
        Assert.NotEqual(source.HeldOut.Features, source.TrainBatch(0, 64).Features);
        Assert.Null(new AddingSource(30, seed: 5, heldOutSize: 0).HeldOut);
    }

    [Fact]
    public void Rejects_sequences_too_short_for_two_halves() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new AddingSource(1, seed: 0));
}
