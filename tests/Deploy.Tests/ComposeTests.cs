using System.Text.RegularExpressions;
using AttnRnnCluster.Deploy.Tests.Yaml;
using YamlDotNet.RepresentationModel;

namespace AttnRnnCluster.Deploy.Tests;

/// <summary>
/// deploy/docker/compose*.yaml checked offline (this machine has no "docker compose" to run "config"): services,
/// volumes, secrets and files that must exist, and the addresses that must agree.
/// </summary>
public sealed partial class ComposeTests
{
    private const string Folder = "deploy/docker";
    private static readonly YamlNode Compose = Assert.Single(YamlDocuments.ReadFile(Repository.PathOf(Folder, "compose.yaml")));
    private static readonly YamlNode TlsOverride = Assert.Single(YamlDocuments.ReadFile(Repository.PathOf(Folder, "compose.tls.yaml")));

    private static YamlMappingNode Service(YamlNode file, string name) => file.At("services", name).Mapping($"service {name}");

    /// <summary>An environment value as Compose sees it with nothing set in the caller's environment: ${NAME:-default} gives default.</summary>
    private static string Environment(YamlNode file, string service, string name) =>
        Interpolation().Replace(Service(file, service).At("environment", name).Text($"{service}: {name}"), match => match.Groups[2].Value);

    [Fact]
    public void The_coordinator_is_built_from_the_repository_and_the_workers_run_the_same_image()
    {
        var coordinator = Service(Compose, "coordinator");
        var worker = Service(Compose, "worker");
        string context = Path.GetFullPath(Path.Combine(Repository.PathOf(Folder), coordinator.At("build", "context").Text("build.context")));

        Assert.Equal(Repository.Root.TrimEnd('/'), context.TrimEnd('/'));
        Assert.True(File.Exists(Path.Combine(context, coordinator.At("build", "dockerfile").Text("build.dockerfile"))));
        Assert.Equal(coordinator.At("image").Text("coordinator image"), worker.At("image").Text("worker image"));
        Assert.Equal("never", worker.At("pull_policy").Text("worker pull_policy"));
        Assert.Equal(["coordinator"], Service(Compose, "coordinator").At("command").Sequence("command").Items.Select(i => i.Text("command")));
        Assert.Equal(["worker"], worker.At("command").Sequence("command").Items.Select(i => i.Text("command")));
    }

    [Fact]
    public void Named_volumes_are_declared_and_env_files_exist()
    {
        var declared = Compose.At("volumes").Mapping("volumes").Keys.ToList();
        foreach (var (name, service) in Compose.At("services").Mapping("services").Entries)
        {
            foreach (var volume in service.At("volumes")?.Sequence($"{name}: volumes").Items ?? [])
            {
                string source = volume.Text($"{name}: volume").Split(':')[0];
                if (!source.StartsWith('.') && !source.StartsWith('/')) Assert.Contains(source, declared);
            }
            Assert.True(File.Exists(Repository.PathOf(Folder, service.At("env_file").Text($"{name}: env_file"))));
        }
        Assert.Contains(Service(Compose, "coordinator").At("volumes").Sequence("volumes").Items,
            volume => volume.Text("volume") == "runs:/var/lib/attnrnn/runs");
    }

    [Fact]
    public void Environment_values_are_strings()
    {
        foreach (var file in new[] { Compose, TlsOverride })
        foreach (var (name, service) in file.At("services").Mapping("services").Entries)
            Assert.All(service.At("environment").Mapping($"{name}: environment").Entries, entry =>
                Assert.True(entry.Value is YamlScalarNode { IsString: true }, $"{name}: {entry.Key} (line {entry.Value.Line}) is not a string: quote it"));
    }

    [Fact]
    public void Workers_join_the_address_the_coordinator_advertises_and_it_waits_for_as_many_as_start()
    {
        string advertised = Environment(Compose, "coordinator", "ATTNRNN_PUBLIC_HOSTNAME");
        string port = Environment(Compose, "coordinator", "ATTNRNN_PORT");

        Assert.Equal("coordinator", advertised); // the service name, which Compose's DNS resolves
        Assert.Equal($"akka.ssl.tcp://attnrnn@{advertised}:{port}", Environment(Compose, "worker", "ATTNRNN_SEED_NODES"));
        Assert.Equal("0.0.0.0", Environment(Compose, "coordinator", "ATTNRNN_HOSTNAME"));
        Assert.Equal("0.0.0.0", Environment(Compose, "worker", "ATTNRNN_HOSTNAME"));
        Assert.Null(Service(Compose, "worker").At("environment", "ATTNRNN_PUBLIC_HOSTNAME")); // the launcher advertises the container's address
        string replicas = Interpolation().Replace(Service(Compose, "worker").At("deploy", "replicas").Text("replicas"), match => match.Groups[2].Value);
        Assert.Equal(replicas, Environment(Compose, "coordinator", "ATTNRNN_MIN_WORKERS"));
    }

    [Fact]
    public void Both_services_serve_HTTP_on_their_loopback_for_the_health_check_and_nothing_outside_the_container()
    {
        foreach (string service in new[] { "coordinator", "worker" })
        {
            Assert.Equal("9400", Environment(Compose, service, "ATTNRNN_HTTP_PORT"));
            // The image's health check runs inside the container: loopback (the default) is enough and safe.
            Assert.Null(Service(Compose, service).At("environment", "ATTNRNN_HTTP_HOSTNAME"));
        }
    }

    [Fact]
    public void The_tls_override_gives_each_service_a_declared_certificate_and_password_file()
    {
        var secrets = TlsOverride.At("secrets").Mapping("secrets");
        foreach (var (name, service) in TlsOverride.At("services").Mapping("services").Entries)
        {
            Assert.NotNull(Compose.At("services", name));
            var used = service.At("secrets").Sequence($"{name}: secrets").Items.Select(item => item.Text("secret")).ToList();
            Assert.All(used, secret => Assert.NotNull(secrets[secret]));
            foreach (string variable in new[] { "ATTNRNN_TLS_CERT", "ATTNRNN_TLS_PASSWORD_FILE" })
            {
                string path = Environment(TlsOverride, name, variable);
                Assert.StartsWith("/run/secrets/", path);
                Assert.Contains(path["/run/secrets/".Length..], used);
            }
        }
        Assert.All(secrets.Entries, secret => Assert.StartsWith("certs/", secret.Value.At("file").Text("secret file")));
        Assert.True(Directory.Exists(Repository.PathOf(Folder, "certs")));
    }

    [Fact]
    public void Every_service_reads_the_join_token_from_a_declared_secret_and_the_tls_override_turns_it_off()
    {
        var secrets = Compose.At("secrets").Mapping("secrets");
        Assert.Equal("join-token", secrets["join-token"]!.At("file").Text("join-token file"));
        foreach (var (name, service) in Compose.At("services").Mapping("services").Entries)
        {
            Assert.Equal("/run/secrets/join-token", Environment(Compose, name, "ATTNRNN_JOIN_TOKEN_FILE"));
            Assert.Contains("join-token", service.At("secrets").Sequence($"{name}: secrets").Items.Select(item => item.Text("secret")));
            Assert.Null(service.At("environment", "ATTNRNN_INSECURE"));
            // With certificates, the token is off: empty counts as unset, and a node refuses both at once.
            Assert.Equal("", Environment(TlsOverride, name, "ATTNRNN_JOIN_TOKEN_FILE"));
        }
        // The token file is made on the host, never committed.
        Assert.Contains("deploy/docker/join-token", File.ReadAllLines(Repository.PathOf(".gitignore")));
    }

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*):-([^}]*)\}")]
    private static partial Regex Interpolation();
}
