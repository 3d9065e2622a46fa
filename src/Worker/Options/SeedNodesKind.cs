using System.Globalization;
using System.Text.RegularExpressions;
using AttnRnnCluster.Hosting.Options;
using AttnRnnCluster.Protocol;

namespace AttnRnnCluster.Worker.Options;

/// <summary>
/// A comma-separated list of Akka addresses of the coordinator, as its log prints them: akka.ssl.tcp://attnrnn@10.0.0.5:4053
/// (TLS: join token or PKI) or akka.tcp://… (--insecure). Either form is taken; the worker speaks the protocol its
/// own options choose (<see cref="Transport.Security.ClusterTls.SeedAddress"/>).
/// </summary>
public sealed partial record SeedNodesKind() : ValueKind<IReadOnlyList<string>>($"akka.ssl.tcp://{ActorNames.System}@HOST:PORT[,...]")
{
    [GeneratedRegex(@"^akka(\.ssl)?\.tcp://attnrnn@(?<host>[^:/@\s]+):(?<port>\d{1,5})$")]
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
                return Parsed<IReadOnlyList<string>>.Fail($"expected addresses like akka.ssl.tcp://{ActorNames.System}@HOST:PORT or akka.tcp://… (port 1..65535), got {Quote(node)}");
        }
        return Parsed<IReadOnlyList<string>>.Ok(nodes);
    }

    public override string Format(IReadOnlyList<string> value) => value.Count > 0 ? string.Join(',', value) : "none";
}
