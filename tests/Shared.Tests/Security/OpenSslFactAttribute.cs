namespace AttnRnnCluster.Shared.Tests.Security;

/// <summary>A test of deploy/tls/make-test-ca.sh, skipped with a reason where openssl is not installed.</summary>
public sealed class OpenSslFactAttribute : FactAttribute
{
    public OpenSslFactAttribute()
    {
        bool installed = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(folder => File.Exists(Path.Combine(folder, "openssl")));
        if (!installed)
            Skip = "openssl is not on PATH (apt-get install openssl); the script that makes test certificates needs it";
    }
}
