using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using AttnRnnCluster.Model.Checkpoints;
using AttnRnnCluster.Model.Tests.Support;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Model.Tests.Checkpoints;

public sealed class CheckpointTests : IDisposable
{
    private static readonly ModelConfig Text = TinyModels.TokensNext;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_checkpoint_and_its_optimizer_state_load_back_bit_for_bit()
    {
        string path = _folder.File("step-3.safetensors");
        var saved = new Checkpoint(Text, ModelInitializer.Initialize(Text, 1), Step: 3, Seed: ulong.MaxValue, ["a", "b", "\n", "é", "😀"]);
        var optimizer = TrainedAdam(saved.Weights.Length);
        CheckpointFiles.Save(path, saved, optimizer.Export());

        var loaded = CheckpointFiles.Load(path);
        Assert.Equal(saved.Config, loaded.Config);
        Assert.Equal(saved.Weights, loaded.Weights);
        Assert.Equal((3L, ulong.MaxValue), (loaded.Step, loaded.Seed));
        Assert.Equal(saved.Vocabulary, loaded.Vocabulary);

        var state = CheckpointFiles.LoadOptimizer(path, loaded);
        var expected = optimizer.Export();
        Assert.Equal((expected.Kind, expected.Step), (state.Kind, state.Step));
        Assert.Equal(expected.Buffers["m"], state.Buffers["m"]);
        Assert.Equal(expected.Buffers["v"], state.Buffers["v"]);
        Assert.True(File.Exists(_folder.File("step-3.optimizer.safetensors")));
        Assert.Single(Directory.GetFiles(_folder.Path), f => f.EndsWith(".optimizer.safetensors"));
    }

    [Fact]
    public void The_file_follows_the_safetensors_layout()
    {
        string path = _folder.File("model.safetensors");
        var config = TinyModels.DenseRegression;
        CheckpointFiles.Save(path, new Checkpoint(config, ModelInitializer.Initialize(config, 1), 10, 42));
        var bytes = File.ReadAllBytes(path);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, headerLength % 8);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength))!.AsObject();
        var metadata = header["__metadata__"]!.AsObject();
        Assert.Equal("1", (string?)metadata["format_version"]);
        Assert.Equal("10", (string?)metadata["step"]);
        Assert.Equal("42", (string?)metadata["seed"]);
        Assert.Equal("""{"input":"dense","input_width":2,"hidden":3,"output_width":2,"attention":true,"target":"regression","vocab_size":0}""", (string?)metadata["config"]);
        var wHh = header["cell.w_hh"]!.AsObject();
        Assert.Equal("F32", (string?)wHh["dtype"]);
        Assert.Equal("[3,3]", wHh["shape"]!.ToJsonString());
        Assert.Equal("[24,60]", wHh["data_offsets"]!.ToJsonString());
        Assert.Equal(8 + (long)headerLength + 4L * ParameterLayout.For(config).TotalSize, bytes.Length);
    }

    [Fact]
    public void A_failed_write_leaves_the_old_file_intact_and_no_temporary_file()
    {
        string path = _folder.File("model.safetensors");
        File.WriteAllText(path, "old");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new IOException("disk full");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void A_save_with_bad_contents_writes_nothing()
    {
        string path = _folder.File("model.safetensors");
        var config = TinyModels.DenseRegression;
        CheckpointFiles.Save(path, new Checkpoint(config, ModelInitializer.Initialize(config, 1), 1, 1));
        var before = File.ReadAllBytes(path);
        var badOptimizer = new OptimizerState(OptimizerKind.Sgd, 1, new Dictionary<string, float[]> { ["momentum"] = new float[3] });
        var error = Assert.Throws<ArgumentException>(() =>
            CheckpointFiles.Save(path, new Checkpoint(config, ModelInitializer.Initialize(config, 2), 2, 1), badOptimizer));
        Assert.Contains("optimizer buffer momentum has 3 values", error.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void Weights_made_elsewhere_load_from_f32_or_f64_by_name_and_shape()
    {
        var config = TinyModels.DenseRegressionPlain;
        var layout = ParameterLayout.For(config);
        var weights = ModelInitializer.Initialize(config, 5);
        // Written in reverse order with F64 values and foreign metadata: only names and shapes matter.
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        var data = new List<byte>();
        foreach (var spec in layout.Parameters.Reverse())
        {
            header[spec.Name] = new JsonObject { ["dtype"] = "F64", ["shape"] = new JsonArray(spec.Shape.Select(s => (JsonNode?)s).ToArray()), ["data_offsets"] = new JsonArray(data.Count, data.Count + 8 * spec.Size) };
            foreach (float w in weights.AsSpan(spec.Offset, spec.Size)) data.AddRange(BitConverter.GetBytes((double)w));
        }
        string path = _folder.File("foreign.safetensors");
        WriteRaw(path, header.ToJsonString(), data.ToArray());
        Assert.Equal(weights, CheckpointFiles.LoadWeights(path, config));

        var error = Assert.Throws<CheckpointException>(() => CheckpointFiles.LoadWeights(path, TinyModels.DenseRegression));
        Assert.Equal($"{path}: tensor names do not match the model; missing: attention.w_a, attention.w_v", error.Message);
    }

    public static TheoryData<string, string> MalformedFiles => new()
    {
        { "short", "is 3 bytes long, too short for a safetensors header length" },
        { "header-past-end", "header length 1000 runs past the end of the file" },
        { "not-json", "header is not valid JSON" },
        { "bad-dtype", "tensor cell.b_h: dtype I8 is not supported (expected F32 or F64)" },
        { "bad-shape", "tensor cell.b_h: shape is missing or not an array of non-negative integers" },
        { "offsets-past-end", "tensor cell.b_h: data_offsets must be [begin, end] with 0 <= begin <= end <= 12" },
        { "size-mismatch", "tensor cell.b_h: data_offsets span 8 bytes, shape [3] of F32 needs 12" },
        { "gap", "tensor cell.b_h: data starts at byte 4, expected 0" },
        { "trailing-data", "the tensors cover 12 bytes of data but the file holds 16" },
        { "metadata-not-strings", "__metadata__ entry step is not a string" },
        { "duplicate-name", "header is not valid JSON: Duplicate" },
    };

    [Theory]
    [MemberData(nameof(MalformedFiles))]
    public void A_malformed_file_is_refused_saying_what_is_wrong(string fault, string expected)
    {
        string path = _folder.File($"{fault}.safetensors");
        string entry = """{"dtype":"F32","shape":[3],"data_offsets":[0,12]}""";
        switch (fault)
        {
            case "short": File.WriteAllBytes(path, [1, 2, 3]); break;
            case "header-past-end": File.WriteAllBytes(path, [.. BitConverter.GetBytes(1000UL), 0x7b, 0x7d]); break;
            case "not-json": WriteRaw(path, "{\"cell.b_h\":", new byte[12]); break;
            case "bad-dtype": WriteRaw(path, $$"""{"cell.b_h":{{entry.Replace("F32", "I8")}}}""", new byte[12]); break;
            case "bad-shape": WriteRaw(path, $$"""{"cell.b_h":{{entry.Replace("[3]", "[-3]")}}}""", new byte[12]); break;
            case "offsets-past-end": WriteRaw(path, $$"""{"cell.b_h":{{entry.Replace("[0,12]", "[0,16]")}}}""", new byte[12]); break;
            case "size-mismatch": WriteRaw(path, $$"""{"cell.b_h":{{entry.Replace("[0,12]", "[0,8]")}}}""", new byte[12]); break;
            case "gap": WriteRaw(path, $$"""{"cell.b_h":{{entry.Replace("[0,12]", "[4,16]")}}}""", new byte[16]); break;
            case "trailing-data": WriteRaw(path, $$"""{"cell.b_h":{{entry}}}""", new byte[16]); break;
            case "duplicate-name": WriteRaw(path, $$"""{"cell.b_h":{{entry}},"cell.b_h":{{entry}}}""", new byte[12]); break;
            case "metadata-not-strings": WriteRaw(path, $$"""{"__metadata__":{"step":3},"cell.b_h":{{entry}}}""", new byte[12]); break;
        }
        var error = Assert.Throws<CheckpointException>(() => SafeTensorsFile.Read(path));
        Assert.StartsWith($"{path}: ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    public static TheoryData<string, string> MismatchedCheckpoints => new()
    {
        { "no-format", "metadata lacks format" },
        { "other-format", "metadata format is pt, expected attn-rnn-cluster/model" },
        { "newer-version", "metadata format_version is 2, this program reads version 1" },
        { "bad-config", "metadata config: model config: Hidden must be at least 1 (got 0)" },
        { "unknown-config-field", "metadata config: model config: " },
        { "bad-step", "metadata step is -1, expected a non-negative integer" },
        { "vocabulary-size", "metadata vocabulary has 2 entries, the config's vocab_size is 5" },
        { "missing-tensor", "tensor names do not match the model; missing: head.bias" },
        { "extra-tensor", "tensor names do not match the model; unexpected: head.extra" },
        { "wrong-shape", "tensor head.bias has shape [4], the model needs [5]" },
    };

    [Theory]
    [MemberData(nameof(MismatchedCheckpoints))]
    public void A_checkpoint_that_does_not_match_its_metadata_is_refused_saying_what(string fault, string expected)
    {
        string good = _folder.File("good.safetensors");
        CheckpointFiles.Save(good, new Checkpoint(Text, ModelInitializer.Initialize(Text, 1), 3, 7, ["a", "b", "c", "d", "e"]));
        var content = SafeTensorsFile.Read(good);
        var metadata = content.Metadata.ToDictionary();
        var tensors = content.Tensors.ToList();
        switch (fault)
        {
            case "no-format": metadata.Remove("format"); break;
            case "other-format": metadata["format"] = "pt"; break;
            case "newer-version": metadata["format_version"] = "2"; break;
            case "bad-config": metadata["config"] = metadata["config"].Replace("\"hidden\":4", "\"hidden\":0"); break;
            case "unknown-config-field": metadata["config"] = metadata["config"].Replace("{", "{\"layers\":2,"); break;
            case "bad-step": metadata["step"] = "-1"; break;
            case "vocabulary-size": metadata["vocabulary"] = "[\"a\",\"b\"]"; break;
            case "missing-tensor": tensors.RemoveAll(t => t.Name == "head.bias"); break;
            case "extra-tensor": tensors.Add(new NamedTensor("head.extra", [1], [0f])); break;
            case "wrong-shape": tensors[tensors.FindIndex(t => t.Name == "head.bias")] = new NamedTensor("head.bias", [4], new float[4]); break;
        }
        string path = _folder.File($"{fault}.safetensors");
        SafeTensorsFile.Write(path, tensors, metadata);
        var error = Assert.Throws<CheckpointException>(() => CheckpointFiles.Load(path));
        Assert.StartsWith($"{path}: ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void An_optimizer_state_from_another_step_or_missing_is_refused()
    {
        string path = _folder.File("run.safetensors");
        var checkpoint = new Checkpoint(Text, ModelInitializer.Initialize(Text, 1), 3, 7);
        CheckpointFiles.Save(path, checkpoint, TrainedAdam(checkpoint.Weights.Length).Export());
        CheckpointFiles.Save(path, checkpoint with { Step = 4 });
        var error = Assert.Throws<CheckpointException>(() => CheckpointFiles.LoadOptimizer(path, CheckpointFiles.Load(path)));
        Assert.Contains("run.optimizer.safetensors: belongs to step 3 but the checkpoint", error.Message);

        File.Delete(CheckpointFiles.OptimizerPath(path));
        error = Assert.Throws<CheckpointException>(() => CheckpointFiles.LoadOptimizer(path, CheckpointFiles.Load(path)));
        Assert.Contains("is missing: a resume needs the optimizer state", error.Message);
    }

    [Fact]
    public void Sgd_state_round_trips_under_its_own_names()
    {
        string path = _folder.File("sgd.safetensors");
        var checkpoint = new Checkpoint(TinyModels.DenseRegression, ModelInitializer.Initialize(TinyModels.DenseRegression, 1), 1, 1);
        var sgd = new SgdOptimizer(checkpoint.Weights.Length);
        sgd.Step(checkpoint.Weights.ToArray(), Enumerable.Range(0, checkpoint.Weights.Length).Select(i => (float)i).ToArray(), 0.1);
        CheckpointFiles.Save(path, checkpoint, sgd.Export());
        Assert.Contains(SafeTensorsFile.Read(CheckpointFiles.OptimizerPath(path)).Tensors, t => t.Name == "sgd.momentum.cell.w_xh");
        var state = CheckpointFiles.LoadOptimizer(path, checkpoint);
        Assert.Equal(sgd.Export().Buffers["momentum"], state.Buffers["momentum"]);
        Assert.Equal(OptimizerKind.Sgd, state.Kind);
    }

    private static AdamOptimizer TrainedAdam(int size)
    {
        var adam = new AdamOptimizer(size);
        var weights = new float[size];
        for (int s = 0; s < 2; s++) adam.Step(weights, Enumerable.Range(0, size).Select(i => MathF.Sin(i + s)).ToArray(), 0.01);
        return adam;
    }

    private static void WriteRaw(string path, string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. data]);
    }
}
