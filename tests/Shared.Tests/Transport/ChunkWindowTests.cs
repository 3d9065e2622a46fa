using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Transport;

public sealed class ChunkWindowTests
{
    [Fact]
    public void Never_has_more_than_the_window_unacknowledged()
    {
        var window = new ChunkWindow(count: 10, window: 3);

        Assert.Equal([0, 1, 2], TakeAll(window));
        Assert.True(window.Acknowledge(1));
        Assert.Equal([3], TakeAll(window));
        Assert.True(window.Acknowledge(0));
        Assert.True(window.Acknowledge(2));
        Assert.Equal([4, 5], TakeAll(window));
    }

    [Fact]
    public void Ignores_acks_for_chunks_never_sent_or_already_acknowledged()
    {
        var window = new ChunkWindow(count: 5, window: 2);
        TakeAll(window);

        Assert.False(window.Acknowledge(3));
        Assert.False(window.Acknowledge(-1));
        Assert.True(window.Acknowledge(0));
        Assert.False(window.Acknowledge(0));
        Assert.Equal(1, window.AcknowledgedCount);
        Assert.Equal([2], TakeAll(window));
    }

    [Fact]
    public void Completes_when_every_chunk_is_acknowledged_and_sends_each_once()
    {
        var window = new ChunkWindow(count: 7, window: 2);
        var sent = new List<int>();

        while (!window.AllAcknowledged)
        {
            var batch = TakeAll(window);
            sent.AddRange(batch);
            foreach (var index in batch.Reverse())
                window.Acknowledge(index);
        }

        Assert.Equal(Enumerable.Range(0, 7), sent);
        Assert.Empty(TakeAll(window));
    }

    private static int[] TakeAll(ChunkWindow window)
    {
        var taken = new List<int>();
        while (window.TryTakeNext(out var index))
            taken.Add(index);
        return [.. taken];
    }
}
