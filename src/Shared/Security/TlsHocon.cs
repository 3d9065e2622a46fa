using Akka.Configuration;
using AttnRnnCluster.Shared.Configuration;

namespace AttnRnnCluster.Shared.Security;

/// <summary>Placeholder until the TLS work lands: TLS off.</summary>
public static class TlsHocon
{
    public static Config Build(TlsOptions options) =>
        options.Enabled ? throw new ArgumentException("--tls-cert: TLS is not available in this version") : Config.Empty;
}
