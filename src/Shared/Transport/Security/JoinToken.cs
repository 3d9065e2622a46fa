using System.Security.Cryptography;
using System.Text;

namespace AttnRnnCluster.Transport.Security;

/// <summary>
/// The cluster's shared secret in join-token mode: whoever holds it may join, nobody else completes a handshake.
/// It is text (the coordinator makes 32 random bytes in base64url; an operator may bring any long random text, e.g.
/// <c>openssl rand -hex 32</c>) and never leaves the node: the nodes prove they hold it by the key derived from it
/// (<see cref="JoinTokenIdentity"/>). <see cref="ToString"/> never shows it, so it cannot slip into a log line.
/// </summary>
public sealed class JoinToken
{
    /// <summary>Shorter tokens are refused: 32 characters of hex are 128 bits.</summary>
    public const int MinLength = 32;

    public const int MaxLength = 1024;

    /// <summary>A file larger than this is not a token file; reading stops there (a device or a huge file costs nothing).</summary>
    public const int MaxFileBytes = 4096;

    /// <summary>Fewer distinct characters than this is a pattern, not a random secret ("aaaa…", "abab…").</summary>
    public const int MinDistinctCharacters = 12;

    /// <summary>The name of the file the coordinator writes into its run folder.</summary>
    public const string FileName = "join-token";

    private const string HowToMake = "use the coordinator's <run folder>/join-token, or make one with: openssl rand -hex 32";

    private readonly string _text;

    private JoinToken(string text) => _text = text;

    /// <summary>The token as bytes, for the key derivation only.</summary>
    internal byte[] Secret => Encoding.ASCII.GetBytes(_text);

    /// <summary>A fresh token: 32 bytes from the system's cryptographic random source, in base64url (43 characters).</summary>
    public static JoinToken Generate() =>
        new(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_'));

    /// <summary>What is wrong with <paramref name="text"/> as a token (never quoting it), or null when it is usable.</summary>
    public static string? Problem(string text)
    {
        if (text.Length < MinLength)
            return $"a join token must be at least {MinLength} characters long, this one has {text.Length}; {HowToMake}";
        if (text.Length > MaxLength)
            return $"a join token may have at most {MaxLength} characters, this one has {text.Length}";
        if (text.Any(c => c is < '!' or > '~'))
            return "a join token is printable ASCII without spaces or control characters (base64url or hex); " + HowToMake;
        if (text.Distinct().Count() < MinDistinctCharacters)
            return $"this join token has fewer than {MinDistinctCharacters} distinct characters: it is a pattern, not a random secret; {HowToMake}";
        return null;
    }

    /// <param name="source">Where the text came from, for the error (e.g. "ATTNRNN_JOIN_TOKEN (environment)").</param>
    /// <exception cref="JoinTokenException">The text is not a usable token.</exception>
    public static JoinToken Parse(string text, string source)
    {
        string token = text.Trim();
        return Problem(token) is { } problem ? throw new JoinTokenException(source, problem) : new JoinToken(token);
    }

    /// <summary>Reads a token file: its first line, surrounding white space ignored; at most <see cref="MaxFileBytes"/> bytes are read.</summary>
    /// <exception cref="JoinTokenException">The file cannot be read, is too large or holds no usable token.</exception>
    public static JoinToken ReadFile(string path)
    {
        byte[] content;
        try
        {
            using var file = File.OpenRead(path);
            content = new byte[MaxFileBytes + 1];
            int length = file.ReadAtLeast(content, content.Length, throwOnEndOfStream: false);
            if (length > MaxFileBytes)
                throw new JoinTokenException(path, $"larger than {MaxFileBytes} bytes: not a join token file");
            Array.Resize(ref content, length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JoinTokenException(path, $"cannot be read: {e.Message}");
        }
        string text = Encoding.UTF8.GetString(content);
        string firstLine = text.TrimStart().Split('\n')[0];
        return Parse(firstLine, path);
    }

    /// <summary>Writes the token to a new file readable by its owner only (mode 0600 from the start, never wider).</summary>
    public void WriteFile(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var file = new FileStream(path, options);
        file.Write(Encoding.ASCII.GetBytes(_text + "\n"));
    }

    /// <summary>True when both are the same token (constant time).</summary>
    public bool SameAs(JoinToken other) => CryptographicOperations.FixedTimeEquals(Secret, other.Secret);

    public override string ToString() => "JoinToken(***)";
}
