using System.Text.Json;

namespace AttnRnnCluster.Model.Data;

/// <summary>
/// The sequences of one jsonl file, parsed and checked: one JSON object per line,
/// <c>{"x": [[f1,...,fD], ...], "y": ...}</c>. Blank lines are skipped; other properties are ignored.
/// Features are stored flat, sequence after sequence, so a batch is a few array copies.
/// </summary>
internal sealed class JsonlDataset
{
    private const string ExpectedLine = "expected one JSON object per line, like {\"x\": [[0.5, 1.0], [0.25, 0.0]], \"y\": 1.5}";
    private readonly float[] _features;
    private readonly int[] _firstStep;
    private readonly int[] _lengths;
    private readonly float[]? _regressionTargets;
    private readonly long[]? _classTargets;

    private JsonlDataset(JsonlShape shape, int classes, float[] features, int[] firstStep, int[] lengths, float[]? regressionTargets, long[]? classTargets)
    {
        Shape = shape;
        Classes = classes;
        _features = features;
        _firstStep = firstStep;
        _lengths = lengths;
        _regressionTargets = regressionTargets;
        _classTargets = classTargets;
    }

    public JsonlShape Shape { get; }
    /// <summary>0 for regression, else the number of classes.</summary>
    public int Classes { get; }
    public int Count => _lengths.Length;
    public int ShortestLength { get; private init; }
    public int LongestLength { get; private init; }

    /// <summary>
    /// Parses <paramref name="path"/>. With <paramref name="classes"/> &gt; 0, y must be an integer in [0, classes).
    /// <paramref name="expected"/> is the shape a held-out file must share with its training file.
    /// </summary>
    public static JsonlDataset Load(string path, int classes, JsonlShape? expected = null)
    {
        ReadOnlyMemory<byte> text = DataFile.ReadUtf8(path);
        JsonlShape? shape = expected;
        var features = new List<float>();
        var firstStep = new List<int>();
        var lengths = new List<int>();
        var regressionTargets = new List<float>();
        var classTargets = new List<long>();
        long line = 0;
        while (!text.IsEmpty)
        {
            line++;
            int end = text.Span.IndexOf((byte)'\n');
            ReadOnlyMemory<byte> content = end < 0 ? text : text[..end];
            text = end < 0 ? ReadOnlyMemory<byte>.Empty : text[(end + 1)..];
            if (content.Span.Trim(" \t\r"u8).IsEmpty) continue;

            var errors = new LineErrors(path, line);
            using JsonDocument document = Parse(content, errors);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw errors.At($"the line is {Describe(root)}; {ExpectedLine}");
            if (!root.TryGetProperty("x", out JsonElement x)) throw errors.At($"no \"x\"; {ExpectedLine}");
            if (!root.TryGetProperty("y", out JsonElement y)) throw errors.At($"no \"y\"; {ExpectedLine}");

            shape ??= new JsonlShape(FirstStepWidth(x, errors), classes > 0 ? null : TargetArrayLength(y, errors), $"line {line} of {path}");
            firstStep.Add(features.Count / shape.Width);
            lengths.Add(ReadFeatures(x, shape, features, errors));
            if (classes > 0) classTargets.Add(ReadClass(y, classes, errors));
            else ReadRegressionTarget(y, shape, regressionTargets, errors);
        }
        if (shape is null || lengths.Count == 0) throw new DataFormatException(path, null, $"the file has no sequences; {ExpectedLine}");
        int[] lengthArray = lengths.ToArray();
        return new JsonlDataset(shape, classes, features.ToArray(), firstStep.ToArray(), lengthArray,
            classes > 0 ? null : regressionTargets.ToArray(), classes > 0 ? classTargets.ToArray() : null)
        {
            ShortestLength = lengthArray.Min(),
            LongestLength = lengthArray.Max(),
        };
    }

    /// <summary>Sequences <paramref name="indices"/> as one batch, zero-padded to the longest of them.</summary>
    public Batch Gather(ReadOnlySpan<int> indices)
    {
        int width = Shape.Width;
        int steps = 0;
        foreach (int i in indices) steps = Math.Max(steps, _lengths[i]);
        var features = new float[indices.Length * steps * width];
        var lengths = new int[indices.Length];
        int outputs = Classes > 0 ? 1 : Shape.RegressionOutputs;
        float[]? regressionTargets = Classes > 0 ? null : new float[indices.Length * outputs];
        long[]? classTargets = Classes > 0 ? new long[indices.Length] : null;
        for (int b = 0; b < indices.Length; b++)
        {
            int i = indices[b];
            lengths[b] = _lengths[i];
            Array.Copy(_features, (long)_firstStep[i] * width, features, (long)b * steps * width, (long)_lengths[i] * width);
            if (regressionTargets != null) Array.Copy(_regressionTargets!, (long)i * outputs, regressionTargets, (long)b * outputs, outputs);
            else classTargets![b] = _classTargets![i];
        }
        return new Batch(indices.Length, steps, width, outputs, lengths, features: features,
            regressionTargets: regressionTargets, classTargets: classTargets);
    }

    private static JsonDocument Parse(ReadOnlyMemory<byte> content, LineErrors errors)
    {
        try
        {
            return JsonDocument.Parse(content);
        }
        catch (JsonException e)
        {
            // System.Text.Json appends its own 0-based position; we give the 1-based line and column instead.
            string reason = e.Message;
            int position = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (position >= 0) reason = reason[..position];
            throw errors.At($"malformed JSON at byte {(e.BytePositionInLine ?? 0) + 1} of the line: {reason} ({ExpectedLine})", e);
        }
    }

    private static int FirstStepWidth(JsonElement x, LineErrors errors)
    {
        CheckSteps(x, errors);
        JsonElement first = x[0];
        if (first.ValueKind != JsonValueKind.Array) throw errors.At($"x[0] is {Describe(first)}; expected an array of numbers (the features of step 0)");
        if (first.GetArrayLength() == 0) throw errors.At("x[0] is empty; expected at least one feature per step");
        return first.GetArrayLength();
    }

    private static void CheckSteps(JsonElement x, LineErrors errors)
    {
        if (x.ValueKind != JsonValueKind.Array) throw errors.At($"x is {Describe(x)}; expected an array of steps, each an array of numbers");
        if (x.GetArrayLength() == 0) throw errors.At("x is empty; expected at least one step");
    }

    /// <summary>Appends the steps' features; returns the number of steps.</summary>
    private static int ReadFeatures(JsonElement x, JsonlShape shape, List<float> features, LineErrors errors)
    {
        CheckSteps(x, errors);
        int t = 0;
        foreach (JsonElement step in x.EnumerateArray())
        {
            if (step.ValueKind != JsonValueKind.Array) throw errors.At($"x[{t}] is {Describe(step)}; expected an array of {shape.Width} numbers");
            if (step.GetArrayLength() != shape.Width)
                throw errors.At($"x[{t}] has {step.GetArrayLength()} features; expected D = {shape.Width} (the width set by {shape.Origin})");
            int f = 0;
            foreach (JsonElement value in step.EnumerateArray()) features.Add(ReadFloat(value, $"x[{t}][{f++}]", errors));
            t++;
        }
        return t;
    }

    private static int? TargetArrayLength(JsonElement y, LineErrors errors) => y.ValueKind switch
    {
        JsonValueKind.Number => null,
        JsonValueKind.Array when y.GetArrayLength() > 0 => y.GetArrayLength(),
        JsonValueKind.Array => throw errors.At("y is an empty array; expected a number or a non-empty array of numbers"),
        _ => throw errors.At($"y is {Describe(y)}; expected a number or an array of numbers (or a class index with the classes setting)"),
    };

    private static void ReadRegressionTarget(JsonElement y, JsonlShape shape, List<float> targets, LineErrors errors)
    {
        bool matches = shape.TargetArrayLength is { } n
            ? y.ValueKind == JsonValueKind.Array && y.GetArrayLength() == n
            : y.ValueKind == JsonValueKind.Number;
        if (!matches)
        {
            string got = y.ValueKind == JsonValueKind.Array ? $"an array of {y.GetArrayLength()}" : Describe(y);
            throw errors.At($"y is {got}; expected {shape.DescribeTarget()} (the shape set by {shape.Origin})");
        }
        if (y.ValueKind == JsonValueKind.Number)
        {
            targets.Add(ReadFloat(y, "y", errors));
            return;
        }
        int i = 0;
        foreach (JsonElement value in y.EnumerateArray()) targets.Add(ReadFloat(value, $"y[{i++}]", errors));
    }

    private static long ReadClass(JsonElement y, int classes, LineErrors errors)
    {
        if (y.ValueKind != JsonValueKind.Number || !y.TryGetInt64(out long index))
            throw errors.At($"y is {Describe(y)}; expected an integer class index in [0, {classes}) (classification with {classes} classes)");
        if (index < 0 || index >= classes)
            throw errors.At($"y is {index}; expected a class index in [0, {classes}) (classification with {classes} classes)");
        return index;
    }

    private static float ReadFloat(JsonElement value, string where, LineErrors errors)
    {
        if (value.ValueKind != JsonValueKind.Number) throw errors.At($"{where} is {Describe(value)}; expected a number");
        if (!value.TryGetDouble(out double d) || !float.IsFinite((float)d)) throw errors.At($"{where} is {value.GetRawText()}; expected a number within float32 range");
        return (float)d;
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {element.GetRawText()}",
        JsonValueKind.Null => "null",
        _ => element.GetRawText(),
    };

    private sealed record LineErrors(string Path, long Line)
    {
        public DataFormatException At(string problem, Exception? inner = null) => new(Path, Line, problem, inner);
    }
}
