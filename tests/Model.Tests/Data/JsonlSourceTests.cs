using AttnRnnCluster.Model.Data;

namespace AttnRnnCluster.Model.Tests.Data;

public sealed class JsonlSourceTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    /// <summary>Sequence i has i%3+1 steps whose first feature is i, and target i.</summary>
    private string Numbered(int count, string name = "numbered.jsonl") =>
        _directory.WriteLines(name, Enumerable.Range(0, count)
            .Select(i => $"{{\"x\": [{string.Join(", ", Enumerable.Repeat($"[{i}, 0.5]", i % 3 + 1))}], \"y\": {i}}}").ToArray());

    private static int[] SequenceIds(Batch batch) => batch.RegressionTargets!.Select(y => (int)y).ToArray();

    [Fact]
    public void A_step_with_the_whole_file_as_batch_sees_every_sequence_exactly_once()
    {
        var source = new JsonlSource(Numbered(10), null, classes: 0, seed: 4);
        int[][] steps = Enumerable.Range(0, 4).Select(step => SequenceIds(source.TrainBatch(step, source.Count))).ToArray();
        Assert.All(steps, ids => Assert.Equal(Enumerable.Range(0, 10), ids.Order()));
        Assert.NotEqual(steps[0], steps[1]); // each epoch is shuffled anew
    }

    [Fact]
    public void The_training_stream_is_a_concatenation_of_per_epoch_permutations()
    {
        var source = new JsonlSource(Numbered(7), null, classes: 0, seed: 4);
        int[] stream = Enumerable.Range(0, 7).SelectMany(step => SequenceIds(source.TrainBatch(step, 3))).ToArray();
        for (int epoch = 0; epoch < 3; epoch++)
        {
            int[] expected = new DeterministicRandom(4, DeterministicRandom.Streams.Shuffle, (ulong)epoch).Permutation(7);
            Assert.Equal(expected, stream[(epoch * 7)..((epoch + 1) * 7)]);
        }
    }

    [Fact]
    public void Batches_are_deterministic_and_independent_of_access_order()
    {
        string path = Numbered(13);
        BatchAssert.Identical(new JsonlSource(path, null, 0, seed: 1).TrainBatch(5, 4), new JsonlSource(path, null, 0, seed: 1).TrainBatch(5, 4));
        Assert.NotEqual(SequenceIds(new JsonlSource(path, null, 0, seed: 1).TrainBatch(0, 13)), SequenceIds(new JsonlSource(path, null, 0, seed: 2).TrainBatch(0, 13)));
        BatchAssert.SameInAnyOrder(() => new JsonlSource(path, null, 0, seed: 1), count: 10, batchSize: 4);
    }

    [Fact]
    public void Without_a_held_out_file_the_last_sequences_are_held_out_and_never_trained_on()
    {
        var source = new JsonlSource(Numbered(10), null, classes: 0, seed: 4, heldOutSize: 3);

        Assert.Equal(7, source.Count);
        Assert.Equal([7, 8, 9], SequenceIds(source.HeldOut!));
        int[] stream = Enumerable.Range(0, 14).SelectMany(step => SequenceIds(source.TrainBatch(step, 3))).ToArray();
        for (int epoch = 0; epoch < 6; epoch++)
            Assert.Equal(new DeterministicRandom(4, DeterministicRandom.Streams.Shuffle, (ulong)epoch).Permutation(7), stream[(epoch * 7)..((epoch + 1) * 7)]);
        Assert.Contains("held-out its last 3 sequences, the first 7 train", source.Description);
    }

    [Fact]
    public void Held_out_from_the_file_the_batches_are_deterministic_and_independent_of_access_order()
    {
        string path = Numbered(13);
        BatchAssert.Identical(new JsonlSource(path, null, 0, seed: 1, heldOutSize: 4).TrainBatch(5, 4), new JsonlSource(path, null, 0, seed: 1, heldOutSize: 4).TrainBatch(5, 4));
        BatchAssert.SameInAnyOrder(() => new JsonlSource(path, null, 0, seed: 1, heldOutSize: 4), count: 10, batchSize: 4);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(512)]
    public void A_file_with_no_more_sequences_than_the_held_out_size_is_an_error(int heldOutSize)
    {
        string path = Numbered(3);

        var error = Assert.Throws<DataFormatException>(() => new JsonlSource(path, null, classes: 0, seed: 0, heldOutSize: heldOutSize));

        Assert.Equal((path, (long?)null), (error.File, error.Line));
        Assert.Contains($"the file has 3 sequences and the held-out set is its last {heldOutSize}, which leaves none to train on", error.Message);
        Assert.Contains("--eval-data", error.Message);
        Assert.Contains("--held-out", error.Message);
    }

    [Fact]
    public void A_held_out_file_is_held_out_whole_and_every_sequence_of_the_data_file_trains()
    {
        string path = Numbered(5);
        var source = new JsonlSource(path, Numbered(2, "eval.jsonl"), classes: 0, seed: 0, heldOutSize: 512);

        Assert.Equal(5, source.Count);
        Assert.Equal([0, 1], SequenceIds(source.HeldOut!));
        Assert.Equal([0, 1, 2, 3, 4], SequenceIds(source.TrainBatch(0, 5)).Order());
    }

    [Fact]
    public void Pads_to_the_longest_sequence_of_the_batch_with_zeros_and_keeps_real_lengths()
    {
        string path = _directory.WriteLines("ragged.jsonl",
            "{\"x\": [[1, 2]], \"y\": [10, 11]}",
            "",
            "{\"x\": [[3, 4], [5, 6], [7, 8]], \"y\": [12, 13], \"id\": \"ignored\"}",
            "{\"x\": [[9, 10], [11, 12]], \"y\": [14, 15]}");
        var source = new JsonlSource(path, path, classes: 0, seed: 0);
        Assert.Equal((InputKind.Dense, 2, TargetKind.Regression, 2), (source.Input, source.InputWidth, source.Target, source.OutputWidth));
        Batch all = source.HeldOut!;
        Assert.Equal((3, 3, 2, 2), (all.Count, all.Steps, all.Width, all.OutputWidth));
        Assert.Equal([1, 3, 2], all.Lengths);
        Assert.Equal([1, 2, 0, 0, 0, 0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 0], all.Features!);
        Assert.Equal([10, 11, 12, 13, 14, 15], all.RegressionTargets!);

        for (int step = 0; step < 3; step++)
        {
            Batch single = source.TrainBatch(step, 1);
            Assert.Equal(single.Lengths[0], single.Steps); // padded to its own batch's longest, not the file's
        }
    }

    [Fact]
    public void Classification_takes_integer_class_indices()
    {
        string path = _directory.WriteLines("classes.jsonl", "{\"x\": [[0.5]], \"y\": 2}", "{\"x\": [[0.25], [1]], \"y\": 0}");
        var source = new JsonlSource(path, null, classes: 3, seed: 0);
        Assert.Equal((TargetKind.Classification, 3, 1), (source.Target, source.OutputWidth, source.InputWidth));
        Batch batch = source.TrainBatch(0, 2);
        Assert.Equal(1, batch.OutputWidth);
        Assert.Null(batch.RegressionTargets);
        Assert.Equal([0L, 2L], batch.ClassTargets!.Order());
        Assert.Null(source.HeldOut);
    }

    [Fact]
    public void A_scalar_target_is_one_output()
    {
        var source = new JsonlSource(Numbered(3), null, classes: 0, seed: 0);
        Assert.Equal(1, source.OutputWidth);
        Assert.Equal(1, source.TrainBatch(0, 3).OutputWidth);
        Assert.Contains("3 sequences of lengths 1..3", source.Description);
    }
}
