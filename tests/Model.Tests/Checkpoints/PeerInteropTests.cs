using System.Text.Json;
using AttnRnnCluster.Model.Checkpoints;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Tests.Support;

namespace AttnRnnCluster.Model.Tests.Checkpoints;

/// <summary>A checkpoint of ours, loaded by the PyTorch peer's <c>from_checkpoint</c>, gives our outputs.</summary>
public sealed class PeerInteropTests : IDisposable
{
    /// <summary>For each (checkpoint, batch) pair in argv: the peer model's outputs and the checkpoint's metadata.</summary>
    private const string PeerScript = """
        import json, sys
        import torch
        sys.path.insert(0, sys.argv[1])
        from attn_rnn import from_checkpoint
        results = []
        for checkpoint, inputs in zip(sys.argv[2::2], sys.argv[3::2]):
            model, meta = from_checkpoint(checkpoint)
            batch = json.load(open(inputs))
            if batch["tokens"] is not None:
                x = torch.tensor(batch["tokens"], dtype=torch.int64).reshape(batch["count"], batch["steps"])
            else:
                x = torch.tensor(batch["features"], dtype=torch.float32).reshape(batch["count"], batch["steps"], -1)
            with torch.no_grad():
                y = model(x)
            results.append({"outputs": y.reshape(-1).tolist(), "step": meta["step"], "config": meta["config"]})
        json.dump(results, sys.stdout)
        """;

    private readonly TempFolder _folder = new();

    public PeerInteropTests() => Torch.Init();

    public void Dispose() => _folder.Dispose();

    [PythonTorchFact]
    public void The_peer_loads_our_checkpoints_and_computes_our_outputs()
    {
        var cases = TinyModels.All.Select((entry, index) => Prepare(entry.Key, entry.Value with { Hidden = 8 }, (ulong)index)).ToList();
        var arguments = cases.SelectMany(c => new[] { c.Checkpoint, c.Inputs }).Prepend(Path.GetDirectoryName(SharedFolder.PeerModel)!).ToArray();
        var peer = JsonDocument.Parse(PythonTorch.Run(PeerScript, arguments)).RootElement.EnumerateArray().ToList();

        Assert.Equal(cases.Count, peer.Count);
        foreach (var (c, result) in cases.Zip(peer))
        {
            Assert.Equal("12", result.GetProperty("step").GetString());
            Assert.Equal(ModelConfigJson.Serialize(c.Config), result.GetProperty("config").GetString());
            var theirs = result.GetProperty("outputs").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.Equal(c.Outputs.Length, theirs.Length);
            int o = c.Config.OutputWidth;
            // Padded steps mean nothing (we zero their inputs, the peer knows no padding); real steps must agree.
            for (int b = 0; b < c.Batch.Count; b++)
            for (int t = 0; t < c.Batch.Lengths[b]; t++)
            for (int k = 0; k < o; k++)
            {
                int i = (b * c.Batch.Steps + t) * o + k;
                Assert.True(Math.Abs(c.Outputs[i] - theirs[i]) < 1e-5, $"{c.Name}: sequence {b}, step {t}, output {k}: ours {c.Outputs[i]}, peer {theirs[i]}");
            }
        }
    }

    private Case Prepare(string name, ModelConfig config, ulong seed)
    {
        var weights = ModelInitializer.Initialize(config, seed);
        string checkpoint = _folder.File($"{name}.safetensors");
        CheckpointFiles.Save(checkpoint, new Checkpoint(config, weights, Step: 12, Seed: seed));
        var batch = TestBatches.For(config, [7, 4, 6], steps: 7, seed: seed + 100);
        string inputs = _folder.File($"{name}.json");
        File.WriteAllText(inputs, JsonSerializer.Serialize(new { count = batch.Count, steps = batch.Steps, features = batch.Features, tokens = batch.Tokens }));
        using var engine = new AutogradEngine(config);
        engine.SetWeights(weights);
        return new Case(name, config, checkpoint, inputs, batch, engine.Forward(batch));
    }

    private sealed record Case(string Name, ModelConfig Config, string Checkpoint, string Inputs, Batch Batch, float[] Outputs);
}
