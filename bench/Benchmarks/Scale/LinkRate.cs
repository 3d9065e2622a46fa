using System.Globalization;
using System.Text.RegularExpressions;

namespace AttnRnnCluster.Benchmarks.Scale;

/// <summary>
/// The rate of every link of the simulated hosts, in both directions, as tc and deploy/netns/scale-hosts.sh write it:
/// "1gbit", "10gbit" (&lt;n&gt;mbit or &lt;n&gt;gbit, 10mbit..100gbit, the script's own range).
/// </summary>
public sealed partial record LinkRate(string Text, long BitsPerSecond)
{
    public const long MinBitsPerSecond = 10_000_000, MaxBitsPerSecond = 100_000_000_000;

    public static LinkRate OneGbit { get; } = new("1gbit", 1_000_000_000);

    public static LinkRate TenGbit { get; } = new("10gbit", 10_000_000_000);

    /// <summary>Bytes per second: what a transfer's time is reckoned in.</summary>
    public double BytesPerSecond => BitsPerSecond / 8.0;

    /// <summary>The rate <paramref name="text"/> names, or null with what was expected.</summary>
    public static (LinkRate? Rate, string? Error) Parse(string text)
    {
        var match = Pattern().Match(text);
        if (!match.Success || !long.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long count))
            return (null, $"--link: expected <n>mbit or <n>gbit (e.g. 1gbit, 10gbit), got \"{text}\"");
        // 100000 of either unit is already 100gbit or more: a larger count is out of range, and never multiplied into an overflow.
        long bits = count > 100_000 ? long.MaxValue : count * (match.Groups["unit"].Value == "gbit" ? 1_000_000_000L : 1_000_000L);
        return bits is < MinBitsPerSecond or > MaxBitsPerSecond
            ? (null, $"--link: expected 10mbit..100gbit, got \"{text}\"")
            : (new LinkRate(text, bits), null);
    }

    [GeneratedRegex(@"^(?<n>[1-9][0-9]{0,11})(?<unit>mbit|gbit)$")]
    private static partial Regex Pattern();
}
