using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Transport;

public sealed class ChunkLayoutTests
{
    [Theory]
    [InlineData(1, 4, 1, 1)]
    [InlineData(4, 4, 1, 4)]
    [InlineData(5, 4, 2, 1)]
    [InlineData(8, 4, 2, 4)]
    [InlineData(67_108_864 + 44, 262_144, 257, 44)]
    public void Splits_into_full_chunks_and_a_nonempty_last(int total, int chunkSize, int count, int lastLength)
    {
        var layout = new ChunkLayout(total, chunkSize);

        Assert.Equal(count, layout.Count);
        Assert.Equal(lastLength, layout.Length(count - 1));
        Assert.Equal(total, Enumerable.Range(0, count).Sum(layout.Length));
        Assert.All(Enumerable.Range(0, count - 1), i => Assert.Equal(layout.Offset(i) + chunkSize, layout.Offset(i + 1)));
    }

    [Fact]
    public void The_largest_payload_does_not_overflow()
    {
        var layout = new ChunkLayout(int.MaxValue, 262_144);

        Assert.Equal(8192, layout.Count);
        Assert.Equal(int.MaxValue - 8191 * 262_144, layout.Length(8191));
    }

    [Theory]
    [InlineData(10, 0, "chunk size 0 is not positive")]
    [InlineData(0, 4, "total length 0 is not positive")]
    [InlineData(101, 4, "total length 101 exceeds the limit of 100 bytes")]
    public void Explains_what_cannot_travel(int total, int chunkSize, string problem) =>
        Assert.Equal(problem, new ChunkLayout(total, chunkSize).Problem(maxPayloadBytes: 100));
}
