using AttnRnnCluster.Coordinator.Run;

namespace AttnRnnCluster.Cluster.Tests.TensorBoard;

/// <summary>The test's reader really checks both checksums of a record, on a file TorchSharp's writer made.</summary>
public sealed class TfRecordsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("attnrnn-tfrecords-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_written_scalar_reads_back_with_its_tag_step_and_value()
    {
        var file = WriteOneScalar();

        var records = EventFiles.Read(file);

        Assert.Equal(2, records.Count);
        Assert.Equal("brain.Event:2", records[0].FileVersion);
        Assert.Equal(7, records[1].Step);
        Assert.Equal(new SummaryValue("loss/train", 0.25f), Assert.Single(records[1].Values));
    }

    [Fact]
    public void A_changed_length_byte_fails_the_length_checksum()
    {
        byte[] bytes = File.ReadAllBytes(WriteOneScalar());
        bytes[0] ^= 1;

        var error = Assert.Throws<InvalidDataException>(() => TfRecords.Read(bytes));
        Assert.Contains("record 0 at byte 0: the length's checksum does not match", error.Message);
    }

    [Fact]
    public void A_changed_data_byte_fails_the_data_checksum()
    {
        byte[] bytes = File.ReadAllBytes(WriteOneScalar());
        bytes[^6] ^= 0x40; // inside the last record's data (its float), before its 4-byte checksum

        var error = Assert.Throws<InvalidDataException>(() => TfRecords.Read(bytes));
        Assert.Contains("record 1", error.Message);
        Assert.Contains("the data's checksum does not match", error.Message);
    }

    private string WriteOneScalar()
    {
        var writer = TorchSharp.torch.utils.tensorboard.SummaryWriter(_dir);
        writer.add_scalar(TensorBoardTags.TrainLoss, 0.25f, 7);
        return Assert.Single(EventFiles.In(_dir));
    }
}
