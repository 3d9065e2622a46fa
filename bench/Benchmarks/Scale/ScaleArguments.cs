using System.Globalization;

namespace AttnRnnCluster.Benchmarks.Scale;

/// <summary>
/// What `-- scale` measures: the rows are every combination of <see cref="Workers"/>, <see cref="Sizes"/> and
/// <see cref="Links"/>. With no options, the whole table (N 1, 2, 4, 8, 16 × 1M, 10M × 1gbit, 10gbit); each of
/// `--workers N`, `--params P`, `--link RATE` fixes one of them, so all three give one row.
/// </summary>
public sealed record ScaleArguments(IReadOnlyList<int> Workers, IReadOnlyList<ModelSize> Sizes, IReadOnlyList<LinkRate> Links)
{
    /// <summary>Our data plane in the runs (--data-plane of the coordinator): the chain by default; the star for the "without" column.</summary>
    public string DataPlane { get; init; } = "chain";

    /// <summary>
    /// Whether our runs use the product's default security, mutual TLS keyed by a join token ("tls"), or `--insecure`
    /// ("insecure": cleartext, as DDP's gloo sends): the second measures what TLS costs, like for like with DDP.
    /// </summary>
    public string Security { get; init; } = "tls";

    /// <summary>A host per worker and one for the coordinator in one /24, as deploy/netns/scale-hosts.sh allows.</summary>
    public const int MaxWorkers = 16;

    public const string Usage = "usage: dotnet run -c Release --project bench/Benchmarks -- scale [--workers 1..16] [--params 1M|10M|<n>M] [--link 1gbit|10gbit|<n>gbit|<n>mbit] [--data-plane chain|star] [--security tls|insecure]";

    public static ScaleArguments Table { get; } = new([1, 2, 4, 8, 16], [ModelSize.OneM, ModelSize.TenM], [LinkRate.OneGbit, LinkRate.TenGbit]);

    /// <summary>The rows in the order they run: by link, then size, then workers (the cheapest rows of each group first).</summary>
    public IEnumerable<(int Workers, ModelSize Size, LinkRate Link)> Rows =>
        from link in Links from size in Sizes from workers in Workers select (workers, size, link);

    /// <summary>The arguments after `scale`, or null and what is wrong with them.</summary>
    public static (ScaleArguments? Arguments, string? Error) Parse(IReadOnlyList<string> args)
    {
        var parsed = Table;
        var seen = new HashSet<string>();
        for (int i = 0; i < args.Count; i += 2)
        {
            string option = args[i];
            if (option is not ("--workers" or "--params" or "--link" or "--data-plane" or "--security"))
                return (null, $"unknown argument \"{option}\" (expected --workers, --params, --link, --data-plane or --security)");
            if (!seen.Add(option)) return (null, $"{option} is given twice");
            if (i + 1 >= args.Count) return (null, $"{option} needs a value");
            string value = args[i + 1];
            switch (option)
            {
                case "--workers":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int workers) || workers is < 1 or > MaxWorkers)
                        return (null, $"--workers: expected an integer in 1..{MaxWorkers}, got \"{value}\"");
                    parsed = parsed with { Workers = [workers] };
                    break;
                case "--params":
                    var (size, sizeError) = ModelSize.Parse(value);
                    if (size == null) return (null, sizeError);
                    parsed = parsed with { Sizes = [size] };
                    break;
                case "--data-plane":
                    if (value is not ("chain" or "star")) return (null, $"--data-plane: expected chain or star, got \"{value}\"");
                    parsed = parsed with { DataPlane = value };
                    break;
                case "--security":
                    if (value is not ("tls" or "insecure")) return (null, $"--security: expected tls or insecure, got \"{value}\"");
                    parsed = parsed with { Security = value };
                    break;
                default:
                    var (link, linkError) = LinkRate.Parse(value);
                    if (link == null) return (null, linkError);
                    parsed = parsed with { Links = [link] };
                    break;
            }
        }
        return (parsed, null);
    }
}
