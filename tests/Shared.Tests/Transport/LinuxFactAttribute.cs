namespace AttnRnnCluster.Shared.Tests.Transport;

/// <summary>A test that reads Linux's /proc, skipped with a reason elsewhere.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
            Skip = "reads the process's sockets in /proc, which only Linux has";
    }
}
