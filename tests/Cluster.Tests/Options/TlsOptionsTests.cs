using static AttnRnnCluster.Cluster.Tests.Options.Parsing;

namespace AttnRnnCluster.Cluster.Tests.Options;

public sealed class TlsOptionsTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void The_password_is_refused_on_the_command_line_without_echoing_it()
    {
        string error = CoordinatorError("--port", "4053", "--tls-password", "hunter2");

        Assert.StartsWith("--tls-password is not accepted on the command line", error);
        Assert.Contains("ATTNRNN_TLS_PASSWORD", error);
        Assert.DoesNotContain("hunter2", error);
    }

    [Fact]
    public void The_password_comes_from_the_environment_or_a_file_and_is_never_printed()
    {
        string certificate = _files.Write("node.pfx", "");
        string passwordFile = _files.Write("password.txt", "s3cret\r\nignored second line");

        var fromEnvironment = Train(Environment(("ATTNRNN_TLS_PASSWORD", "hunter2")), "--port", "4053", "--tls-cert", certificate);
        var fromFile = Train("--port", "4053", "--tls-cert", certificate, "--tls-password-file", passwordFile);

        Assert.True(fromEnvironment.Cluster.Tls.Enabled);
        Assert.Equal("hunter2", fromEnvironment.Cluster.Tls.ReadPassword());
        Assert.Equal("s3cret", fromFile.Cluster.Tls.ReadPassword());
        Assert.DoesNotContain("hunter2", fromEnvironment.ToString());
        Assert.Contains("Password = ***", fromEnvironment.ToString());
    }

    [Fact]
    public void A_password_needs_a_certificate_and_only_one_password_source()
    {
        string certificate = _files.Write("node.pfx", "");
        string passwordFile = _files.Write("password.txt", "x");

        Assert.Equal("--tls-password-file: a TLS password without --tls-cert", CoordinatorError("--port", "4053", "--tls-password-file", passwordFile));
        Assert.Equal("--tls-password-file and ATTNRNN_TLS_PASSWORD (environment) both give the TLS password: give one",
            CoordinatorError(Environment(("ATTNRNN_TLS_PASSWORD", "y")), "--port", "4053", "--tls-cert", certificate, "--tls-password-file", passwordFile));
    }

    [Fact]
    public void Tls_without_a_cluster_is_refused()
    {
        string certificate = _files.Write("node.pfx", "");

        Assert.Equal("--tls-cert: only means something in a cluster; give --port to start one", CoordinatorError("--tls-cert", certificate));
    }
}
