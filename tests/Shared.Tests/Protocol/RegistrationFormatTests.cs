using System.Runtime.Serialization;
using AttnRnnCluster.Protocol.Formats;
using AttnRnnCluster.Protocol.Messages;

namespace AttnRnnCluster.Shared.Tests.Protocol;

/// <summary>
/// RegisterWorker, format 2 (revision 5): the worker's identity, bounded strings; format 1 (revision 4 and older) still
/// decodes, so that an older worker reaches the revision check and is refused with the reason.
/// </summary>
public sealed class RegistrationFormatTests(WireSystemFixture fixture) : IClassFixture<WireSystemFixture>
{
    private readonly ProtocolSerializer _serializer = fixture.Serializer();

    private static readonly RegisterWorker Registration = new("w1", ProtocolRevision.Current, "0.107.0", "2.10.0", 2, 2, RegisterWorker.NewWorkerIdentity());

    [Fact]
    public void A_revision_4_registration_decodes_with_its_revision_and_no_identity()
    {
        var decoded = (RegisterWorker)_serializer.FromBinary(FormatOne(revision: 4), "rw");

        Assert.Equal(4, decoded.ProtocolRevision);
        Assert.Equal("", decoded.WorkerIdentity);
    }

    [Fact]
    public void A_format_1_registration_that_claims_a_newer_revision_is_malformed()
    {
        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary(FormatOne(revision: ProtocolRevision.Current), "rw"));

        Assert.Contains($"field 'ProtocolRevision' is {ProtocolRevision.Current}, expected", error.Message);
    }

    [Theory]
    [InlineData("", "is 0 characters long")]
    [InlineData("a/b", "has a character other than")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789", "is 70 characters long")]
    public void An_identity_out_of_its_bounds_is_malformed(string identity, string problem)
    {
        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary(_serializer.ToBinary(Registration with { WorkerIdentity = identity }), "rw"));

        Assert.Contains($"field 'WorkerIdentity' {problem}", error.Message);
    }

    [Fact]
    public void A_worker_name_longer_than_its_bound_is_malformed()
    {
        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary(_serializer.ToBinary(Registration with { WorkerName = new string('x', RegisterWorker.MaxNameBytes + 1) }), "rw"));

        Assert.Contains($"field 'WorkerName' is longer than {RegisterWorker.MaxNameBytes} bytes", error.Message);
    }

    [Fact]
    public void Fresh_identities_differ_and_are_valid()
    {
        string one = RegisterWorker.NewWorkerIdentity(), other = RegisterWorker.NewWorkerIdentity();

        Assert.NotEqual(one, other);
        Assert.Null(RegisterWorker.IdentityProblem(one));
    }

    /// <summary>What a revision-4 worker sends: format 2's bytes with the version byte 1 and without the identity.</summary>
    private byte[] FormatOne(int revision)
    {
        var withoutIdentity = Registration with { ProtocolRevision = revision, WorkerIdentity = "w" };
        var bytes = _serializer.ToBinary(withoutIdentity);
        bytes[0] = 1;
        return bytes[..^(4 + 1)];
    }
}
