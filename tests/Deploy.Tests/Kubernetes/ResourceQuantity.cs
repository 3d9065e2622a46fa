using System.Globalization;

namespace AttnRnnCluster.Deploy.Tests.Kubernetes;

/// <summary>A Kubernetes quantity ("500m", "2", "1Gi", "512M") as a number, to compare requests with limits.</summary>
public static class ResourceQuantity
{
    private static readonly (string Suffix, decimal Factor)[] Suffixes =
    [
        ("Ki", 1024m), ("Mi", 1024m * 1024), ("Gi", 1024m * 1024 * 1024), ("Ti", 1024m * 1024 * 1024 * 1024),
        ("m", 0.001m), ("k", 1e3m), ("M", 1e6m), ("G", 1e9m), ("T", 1e12m),
    ];

    public static decimal Parse(string text)
    {
        var (suffix, factor) = Suffixes.FirstOrDefault(s => text.EndsWith(s.Suffix, StringComparison.Ordinal), (Suffix: "", Factor: 1m));
        return decimal.TryParse(text[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number)
            ? number * factor
            : throw new FormatException($"\"{text}\" is not a Kubernetes quantity");
    }
}
