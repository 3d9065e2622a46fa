using System.Security.Cryptography;
using System.Text;

namespace AttnRnnCluster.Coordinator.Live;

/// <summary>
/// The live page: one HTML document with its style and script inline (an embedded resource; nothing loaded from
/// elsewhere), and the Content-Security-Policy it is served with. The policy allows exactly that style and that
/// script (by their SHA-256, computed here from the document), requests to this origin only (the JSON), and
/// nothing else: no other script, frame, form, plugin or font.
/// </summary>
public sealed class LivePage
{
    public const string ResourceName = "AttnRnnCluster.Coordinator.Live.live-page.html";
    public const string ContentType = "text/html; charset=utf-8";

    private LivePage(string html)
    {
        Html = html;
        Bytes = Encoding.UTF8.GetBytes(html);
        ContentSecurityPolicy = $"default-src 'none'; script-src '{Hash(Inline(html, "script"))}'; style-src '{Hash(Inline(html, "style"))}'; " +
                                "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    public static LivePage Instance { get; } = Load();

    public string Html { get; }
    public byte[] Bytes { get; }
    public string ContentSecurityPolicy { get; }

    /// <summary>The text between the document's one <c>&lt;tag&gt;</c> and its <c>&lt;/tag&gt;</c>: what the browser hashes.</summary>
    public static string Inline(string html, string tag)
    {
        string open = $"<{tag}>", close = $"</{tag}>";
        int start = html.IndexOf(open, StringComparison.Ordinal);
        int end = html.IndexOf(close, StringComparison.Ordinal);
        if (start < 0 || end < start || html.IndexOf(open, start + 1, StringComparison.Ordinal) >= 0)
            throw new InvalidOperationException($"the live page must have exactly one {open} … {close}");
        return html[(start + open.Length)..end];
    }

    private static string Hash(string inline) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(inline)));

    private static LivePage Load()
    {
        using var stream = typeof(LivePage).Assembly.GetManifestResourceStream(ResourceName)
                           ?? throw new InvalidOperationException($"the live page is not embedded ({ResourceName})");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return new LivePage(reader.ReadToEnd());
    }
}
