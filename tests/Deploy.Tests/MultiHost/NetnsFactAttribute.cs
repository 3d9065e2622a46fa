namespace AttnRnnCluster.Deploy.Tests.MultiHost;

/// <summary>
/// A fact that runs deploy/netns/multihost.sh. The script itself judges whether this machine can (root, network
/// namespaces permitted, python3 or the built executables): where it cannot, the test is skipped with its reason.
/// </summary>
public sealed class NetnsFactAttribute : FactAttribute
{
    public NetnsFactAttribute(bool training)
    {
        if (!OperatingSystem.IsLinux()) { Skip = "network namespaces are Linux's"; return; }
        var check = ProcessRun.Start("bash", [MultiHostScript.Path, "--check", .. MultiHostScript.ModeArguments(training)], TimeSpan.FromMinutes(1));
        if (check.ExitCode != 0) Skip = check.Error.Trim();
    }
}
