using AttnRnnCluster.Model.Data;

namespace AttnRnnCluster.Model.Tests.Data;

public sealed class DataSourcesTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Builds_each_task_from_its_settings()
    {
        var adding = Assert.IsType<AddingSource>(DataSources.Create(new DataSettings("adding", SequenceLength: 10, Seed: 3, HeldOutSize: 5)));
        Assert.Equal((10, 5), (adding.HeldOut!.Steps, adding.HeldOut.Count));
        BatchAssert.Identical(new AddingSource(10, 3, 5).TrainBatch(1, 2), adding.TrainBatch(1, 2));

        string text = _directory.Write("text.txt", new string('a', 50) + new string('b', 50));
        var textSource = Assert.IsType<TextSource>(DataSources.Create(new DataSettings("text", text, SequenceLength: 4)));
        Assert.Equal(4, textSource.TrainBatch(0, 1).Steps);
        var resumed = DataSources.Create(new DataSettings("text", text, SequenceLength: 4), CharVocabulary.FromText("abc"));
        Assert.Equal(3, resumed.OutputWidth);

        string jsonl = _directory.WriteLines("data.jsonl", "{\"x\": [[1]], \"y\": 1}");
        var classes = Assert.IsType<JsonlSource>(DataSources.Create(new DataSettings("jsonl", jsonl, jsonl, Classes: 2)));
        Assert.Equal((TargetKind.Classification, 2, 1), (classes.Target, classes.OutputWidth, classes.HeldOut!.Count));
    }

    [Fact]
    public void Text_takes_an_eval_file_and_jsonl_without_one_holds_out_the_last_held_out_size_sequences()
    {
        string text = _directory.Write("text.txt", new string('a', 50) + new string('b', 50));
        string eval = _directory.Write("eval.txt", "abababab");
        var textSource = Assert.IsType<TextSource>(DataSources.Create(new DataSettings("text", text, eval, SequenceLength: 4)));
        Assert.Equal((100, 8), (textSource.TrainingLength, textSource.ValidationLength));

        string jsonl = _directory.WriteLines("data.jsonl", [.. Enumerable.Range(0, 10).Select(i => $"{{\"x\": [[{i}]], \"y\": {i}}}")]);
        var jsonlSource = Assert.IsType<JsonlSource>(DataSources.Create(new DataSettings("jsonl", jsonl, HeldOutSize: 4)));
        Assert.Equal((6, 4), (jsonlSource.Count, jsonlSource.HeldOut!.Count));
        Assert.Equal([6f, 7f, 8f, 9f], jsonlSource.HeldOut.RegressionTargets!);
    }

    [Theory]
    [InlineData("copy", null, null, 0, "unknown task \"copy\"; expected one of adding, text, jsonl", "Task")]
    [InlineData("text", null, null, 0, "the text task needs a data file", "DataFile")]
    [InlineData("jsonl", null, null, 0, "the jsonl task needs a data file", "DataFile")]
    [InlineData("adding", "data.txt", null, 0, "adding generates its own sequences", "DataFile")]
    [InlineData("adding", null, "eval.jsonl", 0, "adding generates its own held-out set", "EvalFile")]
    [InlineData("text", "data.txt", null, 4, "only jsonl takes a number of classes", "Classes")]
    [InlineData("jsonl", "data.jsonl", null, 1, "classes must be 0 (regression) or at least 2", "classes")]
    public void Rejects_settings_that_do_not_fit_the_task_naming_the_setting(string task, string? data, string? eval, int classes, string expected, string setting)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => DataSources.Create(new DataSettings(task, data, eval, classes)));
        Assert.Contains(expected, error.Message);
        Assert.Equal(setting, error.ParamName);
    }

    [Fact]
    public void A_vocabulary_is_for_text_only() =>
        Assert.Throws<ArgumentException>(() => DataSources.Create(new DataSettings("adding"), CharVocabulary.FromText("ab")));
}
