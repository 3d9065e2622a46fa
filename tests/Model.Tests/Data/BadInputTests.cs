using AttnRnnCluster.Model.Data;

namespace AttnRnnCluster.Model.Tests.Data;

/// <summary>Every way a data file can be unusable gives a DataFormatException naming the file, the line and what was expected.</summary>
public sealed class BadInputTests : IDisposable
{
    private const string Good = "{\"x\": [[1, 2, 3], [4, 5, 6]], \"y\": 1}";
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static IDataSource Load(string task, string path, int classes = 0, string? evalFile = null) =>
        DataSources.Create(new DataSettings(task, path, evalFile, classes, SequenceLength: 4));

    private DataFormatException Fails(Action load)
    {
        string[] before = _directory.Listing();
        var error = Assert.Throws<DataFormatException>(load);
        Assert.Equal(before, _directory.Listing()); // nothing written
        Assert.StartsWith(error.Line is { } line ? $"{error.File}:{line}: " : $"{error.File}: ", error.Message);
        return error;
    }

    [Theory]
    [InlineData("text")]
    [InlineData("jsonl")]
    public void A_missing_file(string task)
    {
        string path = Path.Combine(_directory.Path, "absent.txt");
        var error = Fails(() => Load(task, path));
        Assert.Equal((path, (long?)null), (error.File, error.Line));
        Assert.Contains("no such file", error.Message);
    }

    [Theory]
    [InlineData("text", new byte[0])]
    [InlineData("jsonl", new byte[0])]
    [InlineData("text", new byte[] { 0xEF, 0xBB, 0xBF })]
    public void An_empty_file(string task, byte[] content)
    {
        string path = _directory.WriteBytes("empty", content);
        Assert.Contains("the file is empty", Fails(() => Load(task, path)).Message);
    }

    [Fact]
    public void A_jsonl_file_of_blank_lines_has_no_sequences()
    {
        string path = _directory.Write("blank.jsonl", "\n  \n\r\n");
        Assert.Contains("the file has no sequences", Fails(() => Load("jsonl", path)).Message);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("jsonl")]
    public void An_unreadable_path(string task)
    {
        string path = Directory.CreateDirectory(Path.Combine(_directory.Path, "folder")).FullName;
        Assert.Contains("is a directory; expected a file", Fails(() => Load(task, path)).Message);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("jsonl")]
    public void Invalid_utf8_names_the_byte_offset_and_line(string task)
    {
        byte[] bytes = [.. System.Text.Encoding.UTF8.GetBytes(Good + "\n" + Good + "\n{\"x\": \"caf"), 0xC3, 0x28, .. "\"}\n"u8];
        string path = _directory.WriteBytes("latin.jsonl", bytes);
        var error = Fails(() => Load(task, path));
        Assert.Equal(3, error.Line);
        Assert.Contains($"invalid UTF-8 at byte offset {2 * (Good.Length + 1) + 10} (byte 0xC3)", error.Message);
    }

    [Theory]
    [InlineData("{\"x\": [[1, 2, 3]], \"y\": }", "malformed JSON at byte 25 of the line")]
    [InlineData("{\"x\": [[1, 2, 3]], \"y\": 1} {}", "malformed JSON")]
    [InlineData("[[1, 2, 3]]", "the line is an array; expected one JSON object per line")]
    [InlineData("{\"y\": 1}", "no \"x\"; expected one JSON object per line")]
    [InlineData("{\"x\": [[1, 2, 3]]}", "no \"y\"")]
    [InlineData("{\"x\": [], \"y\": 1}", "x is empty; expected at least one step")]
    [InlineData("{\"x\": \"abc\", \"y\": 1}", "x is the string \"abc\"; expected an array of steps")]
    [InlineData("{\"x\": [[1, 2, 3], [4, 5]], \"y\": 1}", "x[1] has 2 features; expected D = 3 (the width set by line 1 of")]
    [InlineData("{\"x\": [[1, 2, 3, 4]], \"y\": 1}", "x[0] has 4 features; expected D = 3")]
    [InlineData("{\"x\": [[1, \"2\", 3]], \"y\": 1}", "x[0][1] is the string \"2\"; expected a number")]
    [InlineData("{\"x\": [[1, 2, 1e39]], \"y\": 1}", "x[0][2] is 1e39; expected a number within float32 range")]
    [InlineData("{\"x\": [[1, 2, 3]], \"y\": [1]}", "y is an array of 1; expected a number (the shape set by line 1 of")]
    [InlineData("{\"x\": [[1, 2, 3]], \"y\": null}", "y is null; expected a number")]
    public void A_bad_second_line_is_named_with_what_was_expected(string secondLine, string expected)
    {
        string path = _directory.WriteLines("data.jsonl", Good, secondLine, Good);
        var error = Fails(() => Load("jsonl", path));
        Assert.Equal((path, (long?)2), (error.File, error.Line));
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("{\"x\": [[1]], \"y\": [1, 2]}", "{\"x\": [[1]], \"y\": [1, 2, 3]}", "y is an array of 3; expected an array of 2 numbers")]
    [InlineData("{\"x\": [[1]], \"y\": [1, 2]}", "{\"x\": [[1]], \"y\": 3}", "y is 3; expected an array of 2 numbers")]
    [InlineData("{\"x\": [[1]], \"y\": []}", "{\"x\": [[1]], \"y\": 3}", "y is an empty array")]
    [InlineData("{\"x\": [[]], \"y\": 1}", "{\"x\": [[1]], \"y\": 3}", "x[0] is empty; expected at least one feature per step")]
    public void The_first_line_sets_the_shape_of_every_other(string first, string second, string expected)
    {
        string path = _directory.WriteLines("shape.jsonl", first, second);
        var error = Fails(() => Load("jsonl", path));
        Assert.Contains(expected, error.Message);
        Assert.Equal(first.Contains("[]") ? 1 : 2, error.Line);
    }

    [Theory]
    [InlineData("3", "y is 3; expected a class index in [0, 3)")]
    [InlineData("-1", "y is -1; expected a class index in [0, 3)")]
    [InlineData("1.5", "y is 1.5; expected an integer class index in [0, 3)")]
    [InlineData("1.0", "y is 1.0; expected an integer class index")]
    [InlineData("\"1\"", "y is the string \"1\"; expected an integer class index")]
    [InlineData("[1]", "y is an array; expected an integer class index")]
    public void A_class_index_out_of_range_or_not_an_integer(string y, string expected)
    {
        string path = _directory.WriteLines("classes.jsonl", "{\"x\": [[1]], \"y\": 2}", $"{{\"x\": [[1]], \"y\": {y}}}");
        var error = Fails(() => Load("jsonl", path, classes: 3));
        Assert.Equal(2, error.Line);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_held_out_file_must_have_the_training_files_shape()
    {
        string train = _directory.WriteLines("train.jsonl", Good);
        string eval = _directory.WriteLines("eval.jsonl", Good, Good, "{\"x\": [[1, 2]], \"y\": 1}");
        var error = Fails(() => Load("jsonl", train, evalFile: eval));
        Assert.Equal((eval, (long?)3), (error.File, error.Line));
        Assert.Contains($"expected D = 3 (the width set by line 1 of {train})", error.Message);
    }
}
