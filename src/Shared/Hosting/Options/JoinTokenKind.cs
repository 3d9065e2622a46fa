using AttnRnnCluster.Transport.Security;

namespace AttnRnnCluster.Hosting.Options;

/// <summary>A join token given as text (ATTNRNN_JOIN_TOKEN): checked like a token file's, and never repeated in an error or the help.</summary>
public sealed record JoinTokenKind() : ValueKind<string>("TOKEN")
{
    public override Parsed<string> Parse(string text) =>
        JoinToken.Problem(text.Trim()) is { } problem ? Parsed<string>.Fail(problem) : Parsed<string>.Ok(text.Trim());

    public override string Format(string value) => "***";
}
