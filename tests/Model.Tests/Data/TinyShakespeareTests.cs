using AttnRnnCluster.Model.Data;

namespace AttnRnnCluster.Model.Tests.Data;

public sealed class TinyShakespeareTests
{
    [SharedDataFact("tinyshakespeare.txt")]
    public void Has_the_usual_65_characters_90_10_split_and_windows_of_its_text()
    {
        string path = SharedData.PathOf("tinyshakespeare.txt");
        var source = new TextSource(path, steps: 256, seed: 1, heldOutWindows: 1000);
        Assert.Equal(65, source.Vocabulary.Count);
        Assert.Equal("\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", source.Vocabulary.Characters);
        Assert.Equal((1_003_854, 111_540), (source.TrainingLength, source.ValidationLength));
        Assert.Equal((111_540 - 1) / 256, source.HeldOut!.Count);

        string text = File.ReadAllText(path);
        Batch batch = source.TrainBatch(0, 4);
        for (int row = 0; row < batch.Count; row++)
            Assert.Contains(source.Vocabulary.Decode(batch.Tokens.AsSpan(row * 256, 256)), text);
    }
}
