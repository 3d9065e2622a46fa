using AttnRnnCluster.Build;

namespace AttnRnnCluster.Model.Tests.Runtime;

/// <summary>The build's native fix, seen from the result: this test project's own output folder.</summary>
public sealed class BuildPatchTests
{
    [Fact]
    public void The_output_copy_is_patched_exactly_when_the_host_libstdcxx_lacks_the_version()
    {
        string? host = ElfVersionPatcher.FindHostLibStdCxx();
        Assert.NotNull(host);
        var defined = ElfVersionPatcher.DefinedVersions(host!);
        Assert.Contains("GLIBCXX_3.4", string.Join(",", defined));
        bool hostHasIt = defined.Contains(ElfVersionPatcher.TorchSharpRequiredVersion);

        string library = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        string probe = Path.Combine(Directory.CreateTempSubdirectory("attnrnn-patch-probe-").FullName, "libLibTorchSharp.so");
        File.Copy(library, probe);
        try
        {
            // Patching a copy tells whether the build already did: "already weak" means it did.
            var outcome = ElfVersionPatcher.MarkVersionNeedWeak(probe, ElfVersionPatcher.TorchSharpRequiredVersion).Outcome;
            Assert.Equal(hostHasIt ? PatchOutcome.Patched : PatchOutcome.AlreadyWeak, outcome);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(probe)!, recursive: true);
        }
    }
}
