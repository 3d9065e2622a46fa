using System.Buffers.Binary;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Transport;

/// <summary>A sealed lane's frames: hidden, and opened only whole, unchanged, by the key they were sealed with and in the order sealed.</summary>
public sealed class LaneSealTests
{
    private static readonly byte[] Key = Enumerable.Range(0, LaneSeal.KeyLength).Select(i => (byte)(i * 7 + 1)).ToArray();

    [Fact]
    public void Frames_open_in_place_to_what_was_sealed_and_are_not_readable_before()
    {
        using var sender = new LaneSeal(Key);
        using var receiver = new LaneSeal(Key);
        for (var frame = 0; frame < 3; frame++)
        {
            var (prefix, body, tag) = Sealed(sender, Body(frame));
            Assert.NotEqual(Body(frame), body);
            receiver.Open(prefix, body, tag);
            Assert.Equal(Body(frame), body);
        }
    }

    [Fact]
    public void The_same_body_sealed_twice_differs_on_the_wire()
    {
        using var sender = new LaneSeal(Key);

        var first = Sealed(sender, Body(1)).Body;
        var second = Sealed(sender, Body(1)).Body;

        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData("body")]
    [InlineData("tag")]
    [InlineData("prefix")]
    public void A_changed_bit_anywhere_fails_to_open(string where)
    {
        using var sender = new LaneSeal(Key);
        using var receiver = new LaneSeal(Key);
        var (prefix, body, tag) = Sealed(sender, Body(0));

        (where switch { "body" => body, "tag" => tag, _ => prefix })[1] ^= 0x10;

        var e = Assert.Throws<InvalidDataException>(() => receiver.Open(prefix, body, tag));
        Assert.Contains("failed authentication", e.Message);
    }

    [Fact]
    public void A_frame_dropped_repeated_or_from_another_key_fails_to_open()
    {
        using var sender = new LaneSeal(Key);
        var first = Sealed(sender, Body(0));
        var second = Sealed(sender, Body(1));

        using (var skipping = new LaneSeal(Key))
            Assert.Throws<InvalidDataException>(() => skipping.Open(second.Prefix, second.Body, second.Tag));
        using (var repeating = new LaneSeal(Key))
        {
            var copy = (byte[])first.Body.Clone();
            repeating.Open(first.Prefix, first.Body, first.Tag);
            Assert.Throws<InvalidDataException>(() => repeating.Open(first.Prefix, copy, first.Tag));
        }
        var otherKey = (byte[])Key.Clone();
        otherKey[0] ^= 1;
        using var stranger = new LaneSeal(otherKey);
        Assert.Throws<InvalidDataException>(() => stranger.Open(second.Prefix, second.Body, second.Tag));
    }

    [Fact]
    public void A_key_of_the_wrong_length_is_refused_and_new_keys_differ()
    {
        Assert.Throws<ArgumentException>(() => new LaneSeal(new byte[16]));
        Assert.NotEqual(LaneSeal.NewKey(), LaneSeal.NewKey());
    }

    private static byte[] Body(int frame) => Enumerable.Range(0, 1000 + frame).Select(i => (byte)(i + frame)).ToArray();

    private static (byte[] Prefix, byte[] Body, byte[] Tag) Sealed(LaneSeal seal, byte[] plain)
    {
        var prefix = new byte[LaneWire.LengthPrefix];
        BinaryPrimitives.WriteInt32LittleEndian(prefix, plain.Length);
        var body = (byte[])plain.Clone();
        var tag = new byte[LaneSeal.TagLength];
        seal.Seal(prefix, body, tag);
        return (prefix, body, tag);
    }
}
