using System.Diagnostics;

namespace AttnRnnCluster.Cluster.Tests.Processes;

/// <summary>A test that mounts a small tmpfs (a disk that can be filled): it needs Linux and root, and skips saying so otherwise.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "mounts a tmpfs, which only Linux has";
        else if (Environment.UserName != "root") Skip = "mounts a tmpfs to fill a disk, which needs root (CI runs as root)";
    }
}

/// <summary>A tmpfs of a given size mounted on a fresh folder, unmounted on dispose.</summary>
public sealed class SmallDisk : IDisposable
{
    public SmallDisk(string folder, int kibibytes)
    {
        Folder = folder;
        Directory.CreateDirectory(folder);
        Run("mount", "-t", "tmpfs", "-o", $"size={kibibytes}k", "tmpfs", folder);
    }

    public string Folder { get; }

    /// <summary>Fills the disk until only about <paramref name="kibibytes"/> are left.</summary>
    public void FillLeaving(int kibibytes)
    {
        var drive = new DriveInfo(Folder);
        long fill = drive.AvailableFreeSpace - kibibytes * 1024L;
        if (fill <= 0) return;
        using var filler = File.Create(Path.Combine(Folder, "filler"));
        filler.Write(new byte[fill]);
    }

    public long FreeBytes => new DriveInfo(Folder).AvailableFreeSpace;

    public void Dispose() => Run("umount", "-l", Folder);

    private static void Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true })!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed: {error.Trim()}");
    }
}
