using System.Globalization;
using System.Text.RegularExpressions;
using AttnRnnCluster.Hosting.Options;
using AttnRnnCluster.Protocol;

namespace AttnRnnCluster.Worker.Options;

/// <summary>A comma-separated list of Akka addresses of the coordinator, e.g. akka.tcp://attnrnn@10.0.0.5:4053.</summary>
public sealed partial record SeedNodesKind() : ValueKind<IReadOnlyList<string>>($"akka.tcp://{ActorNames.System}@HOST:PORT[,...]")
{
    [GeneratedRegex(@"^akka\.tcp://attnrnn@(?<host>[^:/@\s]+):(?<port>\d{1,5})$")]
    private static partial Regex Address();

    public override Parsed<IReadOnlyList<string>> Parse(string text)
    {
        var nodes = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (nodes.Length == 0) return Parsed<IReadOnlyList<string>>.Fail($"expected at least one address {Form}, got {Quote(text)}");
        foreach (string node in nodes)
        {
            var match = Address().Match(node);
            if (!match.Success || !int.TryParse(match.Groups["port"].Value, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535
                || Uri.CheckHostName(match.Groups["host"].Value) == UriHostNameType.Unknown)
                return Parsed<IReadOnlyList<string>>.Fail($"expected addresses like akka.tcp://{ActorNames.System}@HOST:PORT (port 1..65535), got {Quote(node)}");
        }
        return Parsed<IReadOnlyList<string>>.Ok(nodes);
    }

    public override string Format(IReadOnlyList<string> value) => value.Count > 0 ? string.Join(',', value) : "none";
}
