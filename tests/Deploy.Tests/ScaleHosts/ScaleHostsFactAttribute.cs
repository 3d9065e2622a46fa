namespace AttnRnnCluster.Deploy.Tests.ScaleHosts;

/// <summary>
/// A test that builds shaped hosts with deploy/netns/scale-hosts.sh. The script judges whether this machine can
/// (root, network namespaces permitted, tc with tbf): where it cannot, the test is skipped with its reason.
/// </summary>
public sealed class ScaleHostsFactAttribute : FactAttribute
{
    public ScaleHostsFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) { Skip = "network namespaces are Linux's"; return; }
        var check = ProcessRun.Start("bash", [HeldHosts.ScriptPath, "--check"], TimeSpan.FromMinutes(1));
        if (check.ExitCode != 0) Skip = check.Error.Trim();
    }
}
