using System.Globalization;
using System.Text.RegularExpressions;

namespace AttnRnnCluster.Benchmarks.Scale;

/// <summary>
/// A model size of the scale figure, as its rows name it ("1M", "10M"): the parameter count asked for, and the
/// adding model's hidden width H whose exact count comes closest (<see cref="AddingHidden"/>).
/// </summary>
public sealed partial record ModelSize(string Text, int Millions)
{
    /// <summary>At 20M parameters a message is 80 MB, well inside a node's incoming limit (a quarter of 1 GiB per message).</summary>
    public const int MaxMillions = 20;

    public static ModelSize OneM { get; } = new("1M", 1);

    public static ModelSize TenM { get; } = new("10M", 10);

    public int Asked => Millions * 1_000_000;

    public static (ModelSize? Size, string? Error) Parse(string text)
    {
        var match = Pattern().Match(text);
        return match.Success && int.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int millions) && millions <= MaxMillions
            ? (new ModelSize(text, millions), null)
            : (null, $"--params: expected <n>M parameters with n in 1..{MaxMillions} (e.g. 1M, 10M), got \"{text}\"");
    }

    [GeneratedRegex(@"^(?<n>[1-9][0-9]{0,2})M$")]
    private static partial Regex Pattern();
}
