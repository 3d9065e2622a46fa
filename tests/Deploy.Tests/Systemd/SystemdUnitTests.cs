using System.Text.RegularExpressions;

namespace AttnRnnCluster.Deploy.Tests.Systemd;

/// <summary>deploy/systemd checked offline, and by systemd-analyze where it is installed.</summary>
public sealed partial class SystemdUnitTests
{
    private const string Folder = "deploy/systemd";
    private static readonly UnitFile Coordinator = UnitFile.Read(Repository.PathOf(Folder, "attnrnn-coordinator.service"));
    private static readonly UnitFile Worker = UnitFile.Read(Repository.PathOf(Folder, "attnrnn-worker@.service"));
    private static readonly UnitFile[] Units = [Coordinator, Worker];

    /// <summary>The settings from the hardening block on: both units must carry the same.</summary>
    private static IEnumerable<string> Hardening(UnitFile unit) => unit.Sections["Service"]
        .SkipWhile(setting => setting.Key != "DynamicUser").Select(setting => $"{setting.Key}={setting.Value}");

    [Fact]
    public void Both_units_start_the_launcher_with_their_role_after_the_network_and_read_the_environment_file()
    {
        Assert.Equal("/opt/attnrnn/attnrnn coordinator", Coordinator.Value("Service", "ExecStart"));
        Assert.Equal("/opt/attnrnn/attnrnn worker", Worker.Value("Service", "ExecStart"));
        Assert.All(Units, unit =>
        {
            Assert.Equal(["Unit", "Service", "Install"], unit.Sections.Keys);
            Assert.Equal("network-online.target", unit.Value("Unit", "After"));
            Assert.Equal("network-online.target", unit.Value("Unit", "Wants"));
            // The shared settings, then the join token, kept apart (the same on every machine, root only).
            Assert.Equal(["/etc/attnrnn/attnrnn.env", "/etc/attnrnn/join-token.env"], unit.Values("Service", "EnvironmentFile"));
            Assert.Equal("multi-user.target", unit.Value("Install", "WantedBy"));
        });
    }

    [Fact]
    public void A_failure_restarts_but_bad_options_and_an_unloadable_torchsharp_do_not()
    {
        Assert.All(Units, unit =>
        {
            Assert.Equal("on-failure", unit.Value("Service", "Restart"));
            Assert.Equal(["2", "3"], unit.Value("Service", "RestartPreventExitStatus").Split(' '));
        });
    }

    [Fact]
    public void Each_unit_sets_its_own_port_and_the_shared_environment_file_sets_none()
    {
        Assert.Equal("4053", Coordinator.Environment["ATTNRNN_PORT"]);
        Assert.Equal("4054", Coordinator.Environment["ATTNRNN_BULK_PORT"]); // fixed, so that the README's firewall rule holds
        Assert.Equal("%i", Worker.Environment["ATTNRNN_PORT"]);
        Assert.Equal("%H-%i", Worker.Environment["ATTNRNN_NAME"]);
        var shared = EnvironmentFile.Read(Repository.PathOf(Folder, "attnrnn.env"));
        Assert.DoesNotContain("ATTNRNN_PORT", shared.Keys); // it would override both units' ports
        Assert.DoesNotContain("ATTNRNN_BULK_PORT", shared.Keys); // likewise: units on one machine need bulk ports of their own
        Assert.DoesNotContain(shared.Keys, name => name.StartsWith("ATTNRNN_TLS_", StringComparison.Ordinal));
        Assert.Matches(@"^akka\.ssl\.tcp://attnrnn@[^:]+:4053$", shared["ATTNRNN_SEED_NODES"]);
        Assert.DoesNotContain("ATTNRNN_JOIN_TOKEN", shared.Keys); // in join-token.env, never beside the settings
        Assert.DoesNotContain("ATTNRNN_INSECURE", shared.Keys);
    }

    [Fact]
    public void Both_units_are_hardened_alike_and_leave_the_jit_its_writable_code()
    {
        Assert.Equal(Hardening(Coordinator), Hardening(Worker));
        var hardening = Hardening(Coordinator).ToList();
        Assert.Contains("DynamicUser=yes", hardening);
        Assert.Contains("ProtectSystem=strict", hardening);
        Assert.Contains("ProtectHome=yes", hardening);
        Assert.Contains("PrivateTmp=yes", hardening);
        Assert.Contains("NoNewPrivileges=yes", hardening);
        Assert.Contains("CapabilityBoundingSet=", hardening);
        Assert.DoesNotContain(hardening, setting => setting.StartsWith("MemoryDenyWriteExecute=yes", StringComparison.Ordinal));
        Assert.Equal("attnrnn", Coordinator.Value("Service", "StateDirectory"));
        Assert.Equal("/var/lib/attnrnn", Coordinator.Value("Service", "WorkingDirectory"));
    }

    [Theory]
    [InlineData("coordinator-tls.conf", "coordinator.pfx")]
    [InlineData("worker-tls.conf", "worker.pfx")]
    public void The_tls_drop_ins_point_the_options_at_the_credentials_they_load(string dropIn, string certificate)
    {
        var unit = UnitFile.Read(Repository.PathOf(Folder, dropIn));
        var credentials = unit.Values("Service", "LoadCredential").Select(value => value.Split(':', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);

        Assert.Equal(["Service"], unit.Sections.Keys);
        Assert.Equal($"/etc/attnrnn/tls/{certificate}", credentials["tls.pfx"]);
        Assert.Equal("/etc/attnrnn/tls/password", credentials["tls-password"]);
        Assert.Equal("/run/credentials/%n/tls.pfx", unit.Environment["ATTNRNN_TLS_CERT"]);
        Assert.Equal("/run/credentials/%n/tls-password", unit.Environment["ATTNRNN_TLS_PASSWORD_FILE"]);
        // PKI mode instead of the token: the list of environment files is reset to the shared one, without join-token.env.
        Assert.Equal(["", "/etc/attnrnn/attnrnn.env"], unit.Values("Service", "EnvironmentFile"));
    }

    [ProgramFact("systemd-analyze")]
    public void Systemd_analyze_verify_finds_nothing_but_the_launcher_missing_from_this_machine()
    {
        var verify = ProcessRun.Start("systemd-analyze",
            ["verify", "--man=no", "--generators=no", $"{Folder}/attnrnn-coordinator.service", $"{Folder}/attnrnn-worker@.service"],
            TimeSpan.FromMinutes(1));

        var complaints = (verify.Output + verify.Error).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !MissingLauncher().IsMatch(line)).ToList();
        Assert.True(complaints.Count == 0, string.Join('\n', complaints));
        Assert.Contains("Command /opt/attnrnn/attnrnn is not executable", verify.Output + verify.Error); // it did read the units
    }

    [GeneratedRegex(@"^attnrnn-(coordinator|worker@i)\.service: Command /opt/attnrnn/attnrnn is not executable: No such file or directory$")]
    private static partial Regex MissingLauncher();
}
