using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Transport;

public sealed class PayloadBuffersTests
{
    [Fact]
    public void A_returned_buffer_is_rented_again_for_the_same_length_only()
    {
        var buffers = new PayloadBuffers(capacityBytes: 1000);
        var first = buffers.Rent(100);
        buffers.Return(first);

        var other = buffers.Rent(99);
        var same = buffers.Rent(100);
        var fresh = buffers.Rent(100);

        Assert.Equal(99, other.Length);
        Assert.Same(first, same);
        Assert.NotSame(first, fresh);
        Assert.Equal(0, buffers.FreeBytes);
    }

    [Fact]
    public void Beyond_the_capacity_the_oldest_buffers_are_let_go()
    {
        var buffers = new PayloadBuffers(capacityBytes: 250);
        var (a, b, c) = (buffers.Rent(100), buffers.Rent(100), buffers.Rent(100));
        buffers.Return(a);
        buffers.Return(b);
        buffers.Return(c);
        buffers.Return(new byte[251]);

        Assert.Equal(200, buffers.FreeBytes);
        Assert.Same(c, buffers.Rent(100));
        Assert.Same(b, buffers.Rent(100));
        Assert.NotSame(a, buffers.Rent(100));
    }

    [Fact]
    public void A_shared_payload_goes_back_when_its_last_holder_releases_it()
    {
        var buffers = new PayloadBuffers(capacityBytes: 1000);
        var payload = new SharedPayload(buffers.Rent(100), buffers);
        var second = payload.Hold();

        payload.Release();
        Assert.Equal(0, buffers.FreeBytes);
        second.Release();
        Assert.Equal(100, buffers.FreeBytes);
        Assert.Throws<InvalidOperationException>(payload.Release);
        Assert.Throws<InvalidOperationException>(() => payload.Hold());
    }
}
