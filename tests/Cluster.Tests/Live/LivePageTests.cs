using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using AttnRnnCluster.Coordinator.Live;

namespace AttnRnnCluster.Cluster.Tests.Live;

/// <summary>
/// The page is one self-contained document: nothing it loads comes from elsewhere, and its policy allows its own
/// inline style and script and nothing more.
/// </summary>
public sealed partial class LivePageTests
{
    private static readonly string Html = LivePage.Instance.Html;

    [Fact]
    public void The_page_loads_nothing_from_elsewhere()
    {
        Assert.Empty(ExternalReference().Matches(Html).Select(m => m.Value));
        Assert.DoesNotContain("@import", Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@font-face", Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script src", Html, StringComparison.OrdinalIgnoreCase);
        // The one absolute URL is SVG's namespace name, an identifier that is never fetched.
        Assert.Equal(["http://www.w3.org/2000/svg"], AbsoluteUrl().Matches(Html).Select(m => m.Value).Distinct());
    }

    [Fact]
    public void The_page_sets_data_as_text_never_as_html()
    {
        Assert.DoesNotContain("innerHTML", Html, StringComparison.Ordinal);
        Assert.DoesNotContain("outerHTML", Html, StringComparison.Ordinal);
        Assert.DoesNotContain("insertAdjacentHTML", Html, StringComparison.Ordinal);
        Assert.DoesNotContain("document.write", Html, StringComparison.Ordinal);
        Assert.DoesNotContain("eval(", Html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_policy_allows_the_pages_own_script_and_style_by_hash_and_nothing_else()
    {
        string policy = LivePage.Instance.ContentSecurityPolicy;

        Assert.StartsWith("default-src 'none';", policy, StringComparison.Ordinal);
        Assert.Contains($"script-src 'sha256-{Sha256(LivePage.Inline(Html, "script"))}';", policy, StringComparison.Ordinal);
        Assert.Contains($"style-src 'sha256-{Sha256(LivePage.Inline(Html, "style"))}';", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("http", policy, StringComparison.Ordinal);
        Assert.DoesNotContain(" *", policy, StringComparison.Ordinal);
    }

    [Fact]
    public void Style_attributes_and_event_handler_attributes_which_the_policy_blocks_are_not_used()
    {
        Assert.DoesNotContain(" style=", Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("setAttribute(\"style\"", Html, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"<[^>]*\son[a-z]+\s*=", Html);
    }

    private static string Sha256(string text) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>src= or href= with a scheme or a network path (//host).</summary>
    [GeneratedRegex("""(?:src|href|action|data)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|//)""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();

    [GeneratedRegex("""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'`)]*""")]
    private static partial Regex AbsoluteUrl();
}
