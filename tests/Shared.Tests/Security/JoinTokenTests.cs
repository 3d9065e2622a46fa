using System.Security.Cryptography;
using System.Text;
using AttnRnnCluster.Shared.Tests.Configuration;
using AttnRnnCluster.Transport.Security;

namespace AttnRnnCluster.Shared.Tests.Security;

/// <summary>The join token: what is a usable one, its file, and the key every node derives from it.</summary>
public sealed class JoinTokenTests : IDisposable
{
    private const string Token = "c2f1e9a07b3d4e5f8a6b1c0d2e3f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5";
    private const string OtherToken = "0c2f1e9a07b3d4e5f8a6b1c0d2e3f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b";

    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static JoinToken Parse(string text) => JoinToken.Parse(text, "test");

    [Fact]
    public void The_same_token_gives_the_same_key_on_every_node_and_another_token_another_key()
    {
        byte[] first = JoinTokenIdentity.PublicKeyInfo(Parse(Token));
        byte[] again = JoinTokenIdentity.PublicKeyInfo(Parse(Token + "\n"));
        byte[] other = JoinTokenIdentity.PublicKeyInfo(Parse(OtherToken));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        // The certificate each node makes holds that key: the pin matches across nodes although dates and signatures differ.
        using var certificate = JoinTokenIdentity.Certificate(Parse(Token));
        Assert.Equal(first, certificate.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.True(certificate.HasPrivateKey);
    }

    [Fact]
    public void The_pinned_trust_accepts_the_key_of_the_token_and_nothing_else()
    {
        var trust = new PinnedKeyTrust(JoinTokenIdentity.PublicKeyInfo(Parse(Token)));
        using var sameToken = JoinTokenIdentity.Certificate(Parse(Token));
        using var otherToken = JoinTokenIdentity.Certificate(Parse(OtherToken));
        // A certificate that copies everything but the key: the subject carries no trust.
        using var impostorKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var impostor = new System.Security.Cryptography.X509Certificates.CertificateRequest(JoinTokenIdentity.Subject, impostorKey, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        Assert.Null(trust.Problem(sameToken));
        Assert.StartsWith("its key is not the one derived from this cluster's join token", trust.Problem(otherToken));
        Assert.NotNull(trust.Problem(impostor));
    }

    [Fact]
    public void The_token_appears_nowhere_in_the_certificate_or_in_the_token_object_printed()
    {
        var token = Parse(Token);
        using var certificate = JoinTokenIdentity.Certificate(token);
        byte[] der = certificate.RawData;

        Assert.Equal(-1, der.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Token)));
        Assert.Equal(-1, der.AsSpan().IndexOf(Convert.FromHexString(Token)));
        Assert.Equal(-1, der.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Token[..16])));
        Assert.DoesNotContain(Token[..8], token.ToString());
        Assert.DoesNotContain(Token[..8], Assert.Throws<JoinTokenException>(() => Parse(Token[..20])).Message);
    }

    [Fact]
    public void Generated_tokens_are_fresh_usable_and_43_characters_of_base64url()
    {
        string path1 = Path.Combine(_files.Folder, "a"), path2 = Path.Combine(_files.Folder, "b");
        JoinToken.Generate().WriteFile(path1);
        JoinToken.Generate().WriteFile(path2);

        string first = File.ReadAllText(path1).TrimEnd('\n'), second = File.ReadAllText(path2).TrimEnd('\n');
        Assert.Matches("^[A-Za-z0-9_-]{43}$", first);
        Assert.NotEqual(first, second);
        Assert.Null(JoinToken.Problem(first));
        Assert.True(JoinToken.ReadFile(path1).SameAs(Parse(first)));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void The_token_file_is_readable_by_its_owner_only_from_the_start()
    {
        string path = Path.Combine(_files.Folder, JoinToken.FileName);

        Parse(Token).WriteFile(path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(Token + "\n", File.ReadAllText(path));
        // Never over an existing file (whose mode could be wider).
        Assert.Throws<IOException>(() => Parse(Token).WriteFile(path));
    }

    [Theory]
    [InlineData("", "at least 32 characters long, this one has 0")]
    [InlineData("short-but-random-7f3a", "at least 32 characters long, this one has 21")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "fewer than 12 distinct characters")]
    [InlineData("abababababababababababababababababababab1234", "fewer than 12 distinct characters")]
    [InlineData("with a space 0123456789abcdefghijklmnopqrstuv", "printable ASCII without spaces")]
    [InlineData("nön-ascii-0123456789abcdefghijklmnopqrstuvwxyz", "printable ASCII without spaces")]
    public void Unusable_tokens_are_refused_with_the_reason_and_without_repeating_them(string text, string reason)
    {
        var error = Assert.Throws<JoinTokenException>(() => JoinToken.Parse(text, "ATTNRNN_JOIN_TOKEN (environment)"));

        Assert.StartsWith("ATTNRNN_JOIN_TOKEN (environment): ", error.Message);
        Assert.Contains(reason, error.Message);
        if (text.Length > 0) Assert.DoesNotContain(text, error.Message);
    }

    [Fact]
    public void Hostile_token_files_cost_nothing_and_say_what_is_wrong()
    {
        string huge = _files.Write("huge", new string('x', 10_000_000));
        string tooLong = _files.Write("too-long", string.Concat(Enumerable.Repeat("0123456789abcdef", 80)));
        string binary = Path.Combine(_files.Folder, "binary");
        File.WriteAllBytes(binary, RandomNumberGenerator.GetBytes(300));
        long before = GC.GetAllocatedBytesForCurrentThread();

        Assert.Equal($"{huge}: larger than {JoinToken.MaxFileBytes} bytes: not a join token file", Assert.Throws<JoinTokenException>(() => JoinToken.ReadFile(huge)).Message);
        Assert.Contains("/dev/zero: larger than", Assert.Throws<JoinTokenException>(() => JoinToken.ReadFile("/dev/zero")).Message);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("at most 1024 characters, this one has 1280", Assert.Throws<JoinTokenException>(() => JoinToken.ReadFile(tooLong)).Message);
        Assert.StartsWith($"{binary}: ", Assert.Throws<JoinTokenException>(() => JoinToken.ReadFile(binary)).Message);
        Assert.Contains("cannot be read", Assert.Throws<JoinTokenException>(() => JoinToken.ReadFile(_files.Folder)).Message);
        Assert.True(allocated < 1_000_000, $"reading two oversized files allocated {allocated} bytes");
    }

    [Fact]
    public void A_token_file_is_its_first_line_with_white_space_around_it_ignored()
    {
        string path = _files.Write("token", $"\n  {Token}  \r\nsecond line is ignored\n");

        Assert.True(JoinToken.ReadFile(path).SameAs(Parse(Token)));
    }
}
