using System.Globalization;
using System.Text.Json;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Model.Checkpoints;

/// <summary>
/// Checkpoints on disk: <c>NAME.safetensors</c> holds the weights under the spec's names with the config,
/// vocabulary, step, seed and format version in <c>__metadata__</c>; <c>NAME.optimizer.safetensors</c> beside
/// it holds the optimizer's moments (<c>adam.m.cell.w_xh</c>, ...) and step, so a resume is exact. Both are
/// written atomically, the optimizer file first, and each names the step so a mismatched pair is refused.
/// </summary>
public static class CheckpointFiles
{
    public const int FormatVersion = 1;
    private const string ModelFormat = "attn-rnn-cluster/model";
    private const string OptimizerFormat = "attn-rnn-cluster/optimizer";

    /// <summary>Where the optimizer state of the checkpoint at <paramref name="checkpointPath"/> lives.</summary>
    public static string OptimizerPath(string checkpointPath) =>
        (checkpointPath.EndsWith(".safetensors", StringComparison.Ordinal) ? checkpointPath[..^".safetensors".Length] : checkpointPath)
        + ".optimizer.safetensors";

    /// <summary>Writes the checkpoint, and the optimizer state when given; checks everything before writing anything.</summary>
    public static void Save(string path, Checkpoint checkpoint, OptimizerState? optimizer = null)
    {
        var layout = ParameterLayout.For(checkpoint.Config);
        var weights = Split(layout, checkpoint.Weights, prefix: "", "weights");
        var optimizerTensors = optimizer?.Buffers.OrderBy(b => b.Key, StringComparer.Ordinal)
            .SelectMany(b => Split(layout, b.Value, $"{KindName(optimizer.Kind)}.{b.Key}.", $"optimizer buffer {b.Key}")).ToList();
        if (checkpoint.Vocabulary is { } vocabulary && vocabulary.Count != checkpoint.Config.VocabSize)
            throw new ArgumentException($"checkpoint: the vocabulary has {vocabulary.Count} entries, the model's VocabSize is {checkpoint.Config.VocabSize}");

        if (optimizer is not null)
            SafeTensorsFile.Write(OptimizerPath(path), optimizerTensors!, new Dictionary<string, string>
            {
                ["format"] = OptimizerFormat,
                ["format_version"] = Text(FormatVersion),
                ["optimizer"] = KindName(optimizer.Kind),
                ["optimizer_step"] = Text(optimizer.Step),
                ["checkpoint_step"] = Text(checkpoint.Step),
            });
        var metadata = new Dictionary<string, string>
        {
            ["format"] = ModelFormat,
            ["format_version"] = Text(FormatVersion),
            ["config"] = ModelConfigJson.Serialize(checkpoint.Config),
            ["step"] = Text(checkpoint.Step),
            ["seed"] = checkpoint.Seed.ToString(CultureInfo.InvariantCulture),
        };
        if (checkpoint.Vocabulary is not null) metadata["vocabulary"] = JsonSerializer.Serialize(checkpoint.Vocabulary);
        SafeTensorsFile.Write(path, weights, metadata);
    }

    /// <summary>Reads a checkpoint of this project, checking its metadata and that its tensors are exactly what its config needs.</summary>
    public static Checkpoint Load(string path)
    {
        var content = SafeTensorsFile.Read(path);
        var metadata = content.Metadata;
        CheckFormat(path, metadata, ModelFormat);
        ModelConfig config;
        try
        {
            config = ModelConfigJson.Deserialize(Required(path, metadata, "config"));
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException(path, $"metadata config: {e.Message}", e);
        }
        IReadOnlyList<string>? vocabulary = null;
        if (metadata.TryGetValue("vocabulary", out var vocabularyJson))
        {
            vocabulary = ParseVocabulary(path, vocabularyJson);
            if (vocabulary.Count != config.VocabSize)
                throw new CheckpointException(path, $"metadata vocabulary has {vocabulary.Count} entries, the config's vocab_size is {config.VocabSize}");
        }
        var weights = Join(path, ParameterLayout.For(config), content.Tensors, prefix: "");
        return new Checkpoint(config, weights, Number(path, metadata, "step"), UnsignedNumber(path, metadata, "seed"), vocabulary);
    }

    /// <summary>The optimizer state saved beside <paramref name="checkpointPath"/>, checked against that checkpoint.</summary>
    public static OptimizerState LoadOptimizer(string checkpointPath, Checkpoint checkpoint)
    {
        string path = OptimizerPath(checkpointPath);
        if (!File.Exists(path))
            throw new CheckpointException(path, "is missing: a resume needs the optimizer state saved beside the checkpoint");
        var content = SafeTensorsFile.Read(path);
        CheckFormat(path, content.Metadata, OptimizerFormat);
        string kindName = Required(path, content.Metadata, "optimizer");
        var kind = Enum.GetValues<OptimizerKind>().Cast<OptimizerKind?>().FirstOrDefault(k => KindName(k!.Value) == kindName)
            ?? throw new CheckpointException(path, $"metadata optimizer is {kindName}, expected adam or sgd");
        long checkpointStep = Number(path, content.Metadata, "checkpoint_step");
        if (checkpointStep != checkpoint.Step)
            throw new CheckpointException(path, $"belongs to step {checkpointStep} but the checkpoint {checkpointPath} is at step {checkpoint.Step}");
        var layout = ParameterLayout.For(checkpoint.Config);
        string prefix = KindName(kind) + ".";
        if (content.Tensors.FirstOrDefault(t => !t.Name.StartsWith(prefix, StringComparison.Ordinal)) is { } stray)
            throw new CheckpointException(path, $"tensor {stray.Name} is not named {prefix}BUFFER.PARAMETER");
        var bufferNames = content.Tensors.Select(t => t.Name[prefix.Length..].Split('.')[0]).Distinct();
        var buffers = bufferNames.ToDictionary(name => name, name =>
            Join(path, layout, content.Tensors.Where(t => t.Name.StartsWith($"{prefix}{name}.", StringComparison.Ordinal)).ToList(), $"{prefix}{name}."));
        var state = new OptimizerState(kind, Number(path, content.Metadata, "optimizer_step"), buffers);
        try
        {
            state.Check(kind, layout.TotalSize);
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException(path, e.Message, e);
        }
        return state;
    }

    /// <summary>
    /// Initial weights from any safetensors file (fine-tuning, or weights made elsewhere): its tensors must be
    /// exactly those <paramref name="config"/> needs, with the same shapes; F32 or F64; metadata is ignored.
    /// </summary>
    public static float[] LoadWeights(string path, ModelConfig config) =>
        Join(path, ParameterLayout.For(config), SafeTensorsFile.Read(path).Tensors, prefix: "");

    private static List<NamedTensor> Split(ParameterLayout layout, float[] flat, string prefix, string what)
    {
        if (flat.Length != layout.TotalSize)
            throw new ArgumentException($"checkpoint: {what} has {flat.Length} values, the model has {layout.TotalSize}");
        return layout.Parameters.Select(p => new NamedTensor(prefix + p.Name, p.Shape, flat[p.Offset..(p.Offset + p.Size)])).ToList();
    }

    private static float[] Join(string path, ParameterLayout layout, IReadOnlyList<NamedTensor> tensors, string prefix)
    {
        var byName = tensors.ToDictionary(t => t.Name);
        var expected = layout.Parameters.Select(p => prefix + p.Name).ToHashSet();
        var missing = expected.Where(n => !byName.ContainsKey(n)).ToList();
        var unexpected = byName.Keys.Where(n => !expected.Contains(n)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new CheckpointException(path, "tensor names do not match the model"
                + (missing.Count > 0 ? $"; missing: {string.Join(", ", missing)}" : "")
                + (unexpected.Count > 0 ? $"; unexpected: {string.Join(", ", unexpected)}" : ""));
        var flat = new float[layout.TotalSize];
        foreach (var spec in layout.Parameters)
        {
            var tensor = byName[prefix + spec.Name];
            if (!tensor.Shape.SequenceEqual(spec.Shape))
                throw new CheckpointException(path, $"tensor {tensor.Name} has shape [{string.Join(", ", tensor.Shape)}], the model needs [{string.Join(", ", spec.Shape)}]");
            tensor.Values.CopyTo(flat, spec.Offset);
        }
        return flat;
    }

    private static void CheckFormat(string path, IReadOnlyDictionary<string, string> metadata, string format)
    {
        string actual = Required(path, metadata, "format");
        if (actual != format)
            throw new CheckpointException(path, $"metadata format is {actual}, expected {format}");
        long version = Number(path, metadata, "format_version");
        if (version != FormatVersion)
            throw new CheckpointException(path, $"metadata format_version is {version}, this program reads version {FormatVersion}");
    }

    private static IReadOnlyList<string> ParseVocabulary(string path, string json)
    {
        try
        {
            var entries = JsonSerializer.Deserialize<string[]>(json);
            if (entries is null || entries.Any(e => e is null))
                throw new CheckpointException(path, "metadata vocabulary must be a JSON array of strings");
            return entries;
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"metadata vocabulary is not a JSON array of strings: {e.Message}", e);
        }
    }

    private static string Required(string path, IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var value) ? value : throw new CheckpointException(path, $"metadata lacks {key}");

    private static long Number(string path, IReadOnlyDictionary<string, string> metadata, string key) =>
        long.TryParse(Required(path, metadata, key), NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new CheckpointException(path, $"metadata {key} is {metadata[key]}, expected a non-negative integer");

    private static ulong UnsignedNumber(string path, IReadOnlyDictionary<string, string> metadata, string key) =>
        ulong.TryParse(Required(path, metadata, key), NumberStyles.None, CultureInfo.InvariantCulture, out ulong value)
            ? value
            : throw new CheckpointException(path, $"metadata {key} is {metadata[key]}, expected a non-negative integer");

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string KindName(OptimizerKind kind) => kind.ToString().ToLowerInvariant();
}
