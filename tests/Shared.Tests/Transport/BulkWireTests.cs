using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Transport;

public sealed class BulkWireTests
{
    [Fact]
    public void A_request_is_the_magic_the_id_in_little_endian_and_the_token()
    {
        byte[] token = [.. Enumerable.Range(1, BulkWire.TokenLength).Select(i => (byte)i)];

        var request = BulkWire.Request(0x0102030405060708, token);

        Assert.Equal([(byte)'A', (byte)'T', (byte)'B', (byte)'1', 8, 7, 6, 5, 4, 3, 2, 1, .. token], request);
        Assert.True(BulkWire.TryRead(request, out var id, out var read));
        Assert.Equal(0x0102030405060708, id);
        Assert.Equal(token, read.ToArray());
    }

    [Fact]
    public void Anything_without_the_magic_or_of_another_length_is_not_a_request()
    {
        var request = BulkWire.Request(5, new byte[BulkWire.TokenLength]);
        var damaged = (byte[])request.Clone();
        damaged[0] = (byte)'G';

        Assert.False(BulkWire.TryRead(damaged, out _, out _));
        Assert.False(BulkWire.TryRead(request.AsSpan(0, BulkWire.RequestLength - 1), out _, out _));
        Assert.Throws<ArgumentException>(() => BulkWire.Request(5, new byte[8]));
    }
}
