using System.Reflection;
using AttnRnnCluster.Build;

namespace AttnRnnCluster.Shared.Tests.Build;

public sealed class GlibcxxWeakPatchTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("attnrnn-patch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string PristineLibrary()
    {
        string path = typeof(GlibcxxWeakPatchTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "PristineLibTorchSharp").Value!;
        Assert.True(File.Exists(path), $"TorchSharp's libLibTorchSharp.so is expected in the NuGet cache at {path}");
        return path;
    }

    private string CopyOfLibrary()
    {
        string copy = Path.Combine(_dir, "libLibTorchSharp.so");
        File.Copy(PristineLibrary(), copy);
        return copy;
    }

    [Fact]
    public void Patch_changes_only_the_vna_flags_of_the_GLIBCXX_3_4_32_requirement()
    {
        string copy = CopyOfLibrary();
        byte[] before = File.ReadAllBytes(copy);
        var stamp = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(copy, stamp);

        var result = ElfVersionPatcher.MarkVersionNeedWeak(copy, ElfVersionPatcher.TorchSharpRequiredVersion);

        Assert.Equal(PatchOutcome.Patched, result.Outcome);
        // Same time and size: MSBuild's incremental copy then leaves the patched file alone.
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(copy));
        byte[] after = File.ReadAllBytes(copy);
        Assert.Equal(before.Length, after.Length);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        Assert.NotEmpty(changed);
        Assert.All(changed, i => Assert.InRange(i, result.FlagsOffset, result.FlagsOffset + 1));
        ushort flagsBefore = BitConverter.ToUInt16(before, (int)result.FlagsOffset);
        ushort flagsAfter = BitConverter.ToUInt16(after, (int)result.FlagsOffset);
        Assert.Equal(0, flagsBefore & 0x2);
        Assert.Equal(flagsBefore | 0x2, flagsAfter);
    }

    [Fact]
    public void Second_patch_changes_nothing()
    {
        string copy = CopyOfLibrary();
        ElfVersionPatcher.MarkVersionNeedWeak(copy, ElfVersionPatcher.TorchSharpRequiredVersion);
        byte[] once = File.ReadAllBytes(copy);

        var again = ElfVersionPatcher.MarkVersionNeedWeak(copy, ElfVersionPatcher.TorchSharpRequiredVersion);

        Assert.Equal(PatchOutcome.AlreadyWeak, again.Outcome);
        Assert.Equal(once, File.ReadAllBytes(copy));
    }

    [Fact]
    public void A_file_that_is_not_ELF64_is_reported_and_left_untouched()
    {
        string text = Path.Combine(_dir, "not-elf.so");
        File.WriteAllText(text, new string('x', 4096));
        byte[] before = File.ReadAllBytes(text);

        var result = ElfVersionPatcher.MarkVersionNeedWeak(text, ElfVersionPatcher.TorchSharpRequiredVersion);

        Assert.Equal(PatchOutcome.NotElf64, result.Outcome);
        Assert.Contains("not an ELF file", result.Detail);
        Assert.Equal(before, File.ReadAllBytes(text));
    }

    [Fact]
    public void An_ELF32_file_is_reported_and_left_untouched()
    {
        string copy = CopyOfLibrary();
        byte[] bytes = File.ReadAllBytes(copy);
        bytes[4] = 1; // ELFCLASS32
        File.WriteAllBytes(copy, bytes);

        var result = ElfVersionPatcher.MarkVersionNeedWeak(copy, ElfVersionPatcher.TorchSharpRequiredVersion);

        Assert.Equal(PatchOutcome.NotElf64, result.Outcome);
        Assert.Equal(bytes, File.ReadAllBytes(copy));
    }

    [Fact]
    public void A_library_without_the_entry_is_reported_and_left_untouched()
    {
        string copy = CopyOfLibrary();
        byte[] before = File.ReadAllBytes(copy);

        var result = ElfVersionPatcher.MarkVersionNeedWeak(copy, "GLIBCXX_9.9.99");

        Assert.Equal(PatchOutcome.VersionNotRequired, result.Outcome);
        Assert.Equal(before, File.ReadAllBytes(copy));
    }
}
