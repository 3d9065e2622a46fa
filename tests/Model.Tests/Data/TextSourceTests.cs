using AttnRnnCluster.Model.Data;

namespace AttnRnnCluster.Model.Tests.Data;

public sealed class TextSourceTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Splits_at_ninety_percent_of_the_characters_not_the_bytes()
    {
        // 'é' takes two bytes and '€' three: a split by bytes would put '€'s in the training part.
        string path = _directory.Write("split.txt", new string('\u00E9', 90) + new string('\u20AC', 10));
        var source = new TextSource(path, steps: 4, seed: 1, heldOutWindows: 100);
        Assert.Equal((90, 10), (source.TrainingLength, source.ValidationLength));
        long training = source.Vocabulary.Encode("\u00E9")[0], validation = source.Vocabulary.Encode("\u20AC")[0];
        for (int step = 0; step < 20; step++)
        {
            Batch batch = source.TrainBatch(step, 8);
            Assert.All(batch.Tokens!, token => Assert.Equal(training, token));
            Assert.All(batch.TokenTargets!, token => Assert.Equal(training, token));
        }
        Assert.All(source.HeldOut!.Tokens!, token => Assert.Equal(validation, token));
        Assert.All(source.HeldOut!.TokenTargets!, token => Assert.Equal(validation, token));
    }

    [Fact]
    public void Rounds_the_training_part_down()
    {
        var source = new TextSource(_directory.Write("odd.txt", new string('x', 95)), steps: 3, seed: 1);
        Assert.Equal((85, 10), (source.TrainingLength, source.ValidationLength));
    }

    [Fact]
    public void Targets_are_the_inputs_shifted_by_one_character()
    {
        // In a text that cycles through 0..9, every character's successor is the next digit.
        string path = _directory.Write("cycle.txt", string.Concat(Enumerable.Repeat("0123456789", 50)));
        var source = new TextSource(path, steps: 16, seed: 2);
        Assert.Equal((InputKind.Tokens, 0, TargetKind.NextToken, 10), (source.Input, source.InputWidth, source.Target, source.OutputWidth));
        Batch batch = source.TrainBatch(5, 32);
        Assert.Equal((32, 16, 0, 1), (batch.Count, batch.Steps, batch.Width, batch.OutputWidth));
        Assert.All(batch.Lengths, length => Assert.Equal(16, length));
        for (int i = 0; i < batch.Tokens!.Length; i++) Assert.Equal((batch.Tokens[i] + 1) % 10, batch.TokenTargets![i]);
        Assert.True(batch.Tokens.Distinct().Count() == 10, "windows should start at varied places");
    }

    [Fact]
    public void The_same_seed_and_step_give_the_same_windows_and_other_steps_differ()
    {
        string path = _directory.Write("words.txt", string.Concat(Enumerable.Range(0, 400).Select(i => $"word{i} ")));
        Batch batch = new TextSource(path, 12, seed: 9).TrainBatch(2, 8);
        BatchAssert.Identical(batch, new TextSource(path, 12, seed: 9).TrainBatch(2, 8));
        Assert.NotEqual(batch.Tokens, new TextSource(path, 12, seed: 9).TrainBatch(3, 8).Tokens);
        Assert.NotEqual(batch.Tokens, new TextSource(path, 12, seed: 10).TrainBatch(2, 8).Tokens);
        BatchAssert.SameInAnyOrder(() => new TextSource(path, 12, seed: 9), count: 6, batchSize: 4);
    }

    [Fact]
    public void Held_out_windows_are_consecutive_across_the_validation_part_or_spread_evenly_when_capped()
    {
        string path = _directory.Write("digits.txt", new string('a', 90) + "0123456789");
        var all = new TextSource(path, steps: 3, seed: 1);
        Assert.Equal(["012", "345", "678"], Rows(all, all.HeldOut!.Tokens!));
        Assert.Equal(["123", "456", "789"], Rows(all, all.HeldOut!.TokenTargets!));

        var capped = new TextSource(path, steps: 3, seed: 1, heldOutWindows: 2);
        Assert.Equal(["012", "678"], Rows(capped, capped.HeldOut!.Tokens!));
        Assert.Null(new TextSource(path, steps: 3, seed: 1, heldOutWindows: 0).HeldOut);
    }

    [Fact]
    public void Uses_a_given_vocabulary_and_names_line_and_column_of_a_character_outside_it()
    {
        // ' ' and '!' come before 'a': with the file's own vocabulary the ids would differ.
        var vocabulary = CharVocabulary.FromText("\n !abcdez");
        string text = string.Concat(Enumerable.Repeat("abc\nde\n", 10));
        var source = new TextSource(_directory.Write("fits.txt", text), steps: 5, seed: 1, vocabulary: vocabulary);
        Assert.Same(vocabulary, source.Vocabulary);
        Assert.Equal(9, source.OutputWidth);
        Batch batch = source.TrainBatch(0, 4);
        for (int row = 0; row < batch.Count; row++)
            Assert.Contains(vocabulary.Decode(batch.Tokens.AsSpan(row * 5, 5)), text);

        string outside = _directory.Write("outside.txt", "abc\nde\ndaxe\n" + new string('a', 50));
        var error = Assert.Throws<DataFormatException>(() => new TextSource(outside, steps: 3, seed: 1, vocabulary: vocabulary));
        Assert.Equal((outside, 3L), (error.File, error.Line));
        Assert.Contains("column 3: the character 'x' (U+0078) is not in the vocabulary of 9 characters", error.Message);
    }

    [Fact]
    public void A_held_out_file_validates_and_the_whole_data_file_trains()
    {
        // Without the held-out file the 'b's would be the validation part, never trained on.
        string path = _directory.Write("train.txt", new string('a', 90) + new string('b', 10));
        string heldOut = _directory.Write("eval.txt", "abbaabba");
        var source = new TextSource(path, steps: 3, seed: 1, heldOutPath: heldOut);

        Assert.Equal((100, 8), (source.TrainingLength, source.ValidationLength));
        long b = source.Vocabulary.Encode("b")[0];
        Assert.Contains(Enumerable.Range(0, 50).SelectMany(step => source.TrainBatch(step, 8).Tokens!), token => token == b);
        Assert.Equal(["abb", "aab"], Rows(source, source.HeldOut!.Tokens!));
        Assert.Equal(["bba", "abb"], Rows(source, source.HeldOut!.TokenTargets!));
        Assert.Contains("validation " + heldOut, source.Description);
    }

    [Fact]
    public void With_a_held_out_file_the_same_seed_and_step_give_the_same_windows()
    {
        string path = _directory.Write("words.txt", string.Concat(Enumerable.Range(0, 400).Select(i => $"word{i} ")));
        string heldOut = _directory.Write("eval.txt", "word12 word3 word456 ");
        BatchAssert.Identical(new TextSource(path, 12, seed: 9, heldOutPath: heldOut).TrainBatch(2, 8), new TextSource(path, 12, seed: 9, heldOutPath: heldOut).TrainBatch(2, 8));
        BatchAssert.Identical(new TextSource(path, 5, seed: 9, heldOutPath: heldOut).HeldOut!, new TextSource(path, 5, seed: 3, heldOutPath: heldOut).HeldOut!);
        BatchAssert.SameInAnyOrder(() => new TextSource(path, 12, seed: 9, heldOutPath: heldOut), count: 6, batchSize: 4);
    }

    [Fact]
    public void A_held_out_character_outside_the_training_text_names_the_held_out_file_line_and_character()
    {
        string path = _directory.Write("train.txt", string.Concat(Enumerable.Repeat("abc\n", 30)));
        string heldOut = _directory.Write("eval.txt", "abc\nab\nbaxc\n");

        var error = Assert.Throws<DataFormatException>(() => new TextSource(path, steps: 3, seed: 1, heldOutPath: heldOut));

        Assert.Equal((heldOut, 3L), (error.File, error.Line));
        Assert.Contains($"column 3: the character 'x' (U+0078) is not in the vocabulary of 4 characters of {path}, the training text", error.Message);
    }

    [Theory]
    [InlineData(3, 9, "eval.txt", "the held-out text has 3 characters; it needs at least T+1 = 10")]
    [InlineData(20, 20, "train.txt", "the text has 20 characters; training needs at least T+1 = 21")]
    public void A_data_or_held_out_file_shorter_than_a_window_is_an_error_naming_it(int heldOutLength, int steps, string named, string expected)
    {
        string path = _directory.Write("train.txt", new string('z', 20));
        string heldOut = _directory.Write("eval.txt", new string('z', heldOutLength));

        var error = Assert.Throws<DataFormatException>(() => new TextSource(path, steps, seed: 1, heldOutPath: heldOut));

        Assert.Equal(Path.Combine(_directory.Path, named), error.File);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData(10, "validation part (10)")]
    [InlineData(95, "training part (first 90%, 90)")]
    public void A_text_shorter_than_a_window_in_either_part_is_an_error(int steps, string expected)
    {
        string path = _directory.Write("short.txt", new string('z', 100));
        var error = Assert.Throws<DataFormatException>(() => new TextSource(path, steps, seed: 1));
        Assert.Equal(path, error.File);
        Assert.Null(error.Line);
        Assert.Contains(expected, error.Message);
        Assert.Contains($"T+1 = {steps + 1}", error.Message);
        _ = new TextSource(path, steps: 9, seed: 1); // 10 validation characters make exactly one window of 9+1
    }

    private static string[] Rows(TextSource source, long[] tokens)
    {
        int steps = source.HeldOut!.Steps;
        return Enumerable.Range(0, tokens.Length / steps).Select(row => source.Vocabulary.Decode(tokens.AsSpan(row * steps, steps))).ToArray();
    }
}
