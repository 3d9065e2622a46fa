namespace AttnRnnCluster.Deploy.Tests;

/// <summary>A fact that needs a program on PATH (kubectl, systemd-analyze, python3...); skipped, saying so, where it is absent.</summary>
public sealed class ProgramFactAttribute : FactAttribute
{
    public ProgramFactAttribute(string program)
    {
        if (!ProcessRun.OnPath(program)) Skip = $"{program} is not on PATH";
    }
}
