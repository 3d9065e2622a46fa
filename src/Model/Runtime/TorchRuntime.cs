using System.Runtime.InteropServices;
using TorchSharp;

namespace AttnRnnCluster.Model.Runtime;

/// <summary>The outcome of checking that TorchSharp's native libraries load on this host.</summary>
public sealed record TorchRuntimeStatus(bool Loaded, string TorchSharpVersion, string LibTorchVersion, string? Problem);

/// <summary>
/// Loads TorchSharp's natives up front so that a failure shows the loader's own words (for example
/// "version `GLIBCXX_3.4.32' not found") instead of TorchSharp's misleading "doesn't contain a reference
/// to libtorch-cpu-linux-x64" message. Every executable calls <see cref="Check"/> before it works.
/// </summary>
public static class TorchRuntime
{
    public const string LibTorchVersion = "2.10.0";
    private const string GlueLibrary = "libLibTorchSharp.so";

    public static string TorchSharpVersion =>
        typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "unknown";

    public static TorchRuntimeStatus Check(int intraOpThreads = 1)
    {
        string? nativeProblem = OperatingSystem.IsLinux() ? TryLoadGlueLibrary() : null;
        if (nativeProblem != null)
            return new TorchRuntimeStatus(false, TorchSharpVersion, LibTorchVersion, nativeProblem);
        try
        {
            torch.set_num_threads(intraOpThreads);
            using var probe = torch.ones(2, 2, requires_grad: true);
            using var sum = probe.sum();
            sum.backward();
            return new TorchRuntimeStatus(true, TorchSharpVersion, LibTorchVersion, null);
        }
        catch (Exception e) when (e is TypeInitializationException or NotSupportedException or DllNotFoundException or InvalidOperationException)
        {
            return new TorchRuntimeStatus(false, TorchSharpVersion, LibTorchVersion,
                $"TorchSharp failed to initialise: {(e.InnerException ?? e).Message}");
        }
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> with the cause and the remedy if TorchSharp cannot load.</summary>
    public static void EnsureLoaded(int intraOpThreads = 1)
    {
        var status = Check(intraOpThreads);
        if (!status.Loaded)
            throw new InvalidOperationException(Explain(status));
    }

    public static string Explain(TorchRuntimeStatus status) =>
        $"""
        TorchSharp {status.TorchSharpVersion} (libtorch {status.LibTorchVersion}) cannot load its native libraries on this host.
        Cause: {status.Problem}
        What to do:
          - If the cause names GLIBCXX_3.4.32: build with `dotnet build` (or run/test/publish) from this repository; the
            build marks that unused requirement weak in the output folder's copy of {GlueLibrary}. A copy made
            by other means (a bare file copy, another build system) is unpatched. Alternatively install a libstdc++ from GCC 13+.
          - If a .so file is missing: rebuild; the TorchSharp-cpu package copies libtorch into the output folder.
          - Only Linux x64 (glibc) is supported for the CPU build used here.
        """;

    private static string? TryLoadGlueLibrary()
    {
        string? path = FindGlueLibrary();
        if (path == null)
            return $"{GlueLibrary} was not found under {AppContext.BaseDirectory} (looked in runtimes/linux-x64/native and the folder itself).";
        try
        {
            NativeLibrary.Load(path);
            return null;
        }
        catch (DllNotFoundException e)
        {
            return e.Message;
        }
        catch (BadImageFormatException e)
        {
            return $"{path} is not a valid native library: {e.Message}";
        }
    }

    private static string? FindGlueLibrary()
    {
        string baseDir = AppContext.BaseDirectory;
        foreach (var candidate in new[]
                 {
                     Path.Combine(baseDir, "runtimes", "linux-x64", "native", GlueLibrary),
                     Path.Combine(baseDir, GlueLibrary),
                 })
        {
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
