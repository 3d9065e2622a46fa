// Makes TorchSharp's native glue library load on hosts whose libstdc++ is older than the one it was linked
// against. libLibTorchSharp.so (TorchSharp 0.107.0) requires GLIBCXX_3.4.32 for exactly one symbol,
// _ZSt21ios_base_library_initv, which GCC 13's <iostream> references but which no relocation uses. glibc
// refuses to load a library whose required symbol version is missing unless that requirement is marked
// weak (VER_FLG_WEAK in the Vernaux entry's vna_flags), so we set that one bit and nothing else.
//
// This file is compiled twice: by MSBuild's RoslynCodeTaskFactory as a build task (see
// Directory.Build.targets), and into the test project (with ATTNRNN_PATCH_TESTS defined, where the
// MSBuild task class is left out) so the ELF logic is tested on a real copy of the library.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace AttnRnnCluster.Build
{
    /// <summary>What <see cref="ElfVersionPatcher.MarkVersionNeedWeak"/> did to a file.</summary>
    public enum PatchOutcome
    {
        /// <summary>The flag was set now.</summary>
        Patched,
        /// <summary>The flag was already set: nothing written.</summary>
        AlreadyWeak,
        /// <summary>The file does not require that version: nothing written.</summary>
        VersionNotRequired,
        /// <summary>Not a little-endian ELF64 file, or its tables are malformed: nothing written.</summary>
        NotElf64,
    }

    public sealed class PatchResult
    {
        public PatchResult(PatchOutcome outcome, string detail, long flagsOffset = -1)
        {
            Outcome = outcome;
            Detail = detail;
            FlagsOffset = flagsOffset;
        }

        public PatchOutcome Outcome { get; }
        public string Detail { get; }
        /// <summary>File offset of the two-byte vna_flags field that was (or would be) changed; -1 if none.</summary>
        public long FlagsOffset { get; }
    }

    public static class ElfVersionPatcher
    {
        public const string TorchSharpRequiredVersion = "GLIBCXX_3.4.32";
        private const uint ShtGnuVerdef = 0x6ffffffd;
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlgWeak = 0x2;

        /// <summary>Sets VER_FLG_WEAK on the Vernaux entry naming <paramref name="version"/>. Writes the two
        /// bytes of vna_flags only, and only if they change; a file that is not ELF64 is reported, not touched.</summary>
        public static PatchResult MarkVersionNeedWeak(string path, string version)
        {
            byte[] image = File.ReadAllBytes(path);
            if (!TryFindSection(image, ShtGnuVerneed, out var verneed, out string? why))
                return new PatchResult(why == null ? PatchOutcome.VersionNotRequired : PatchOutcome.NotElf64,
                    why ?? $"{path} has no .gnu.version_r section: it requires no symbol versions");
            try
            {
                long strtab = SectionOffset(image, verneed.Link, out long strSize);
                long entry = verneed.Offset;
                for (uint i = 0; i < verneed.Info; i++)
                {
                    ushort auxCount = U16(image, entry + 2);
                    long aux = entry + U32(image, entry + 8);
                    for (int j = 0; j < auxCount; j++)
                    {
                        string name = CString(image, strtab, strSize, U32(image, aux + 8));
                        if (name == version)
                        {
                            long flagsAt = aux + 4;
                            ushort flags = U16(image, flagsAt);
                            if ((flags & VerFlgWeak) != 0)
                                return new PatchResult(PatchOutcome.AlreadyWeak, $"{path}: {version} is already weak", flagsAt);
                            ushort patched = (ushort)(flags | VerFlgWeak);
                            // Keep the file's timestamp: MSBuild then sees the copy as unchanged (same size and time)
                            // and does not copy the unpatched original over it on the next build.
                            DateTime stamp = File.GetLastWriteTimeUtc(path);
                            using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read))
                            {
                                file.Position = flagsAt;
                                file.WriteByte((byte)(patched & 0xff));
                                file.WriteByte((byte)(patched >> 8));
                            }
                            File.SetLastWriteTimeUtc(path, stamp);
                            return new PatchResult(PatchOutcome.Patched, $"{path}: marked {version} weak (vna_flags at 0x{flagsAt:x})", flagsAt);
                        }
                        uint next = U32(image, aux + 12);
                        if (next == 0) break;
                        aux += next;
                    }
                    uint nextEntry = U32(image, entry + 12);
                    if (nextEntry == 0) break;
                    entry += nextEntry;
                }
            }
            catch (IndexOutOfRangeException)
            {
                return new PatchResult(PatchOutcome.NotElf64, $"{path}: its version tables point outside the file");
            }
            return new PatchResult(PatchOutcome.VersionNotRequired, $"{path} does not require {version}");
        }

        /// <summary>The symbol versions a shared library defines (its .gnu.version_d), e.g. GLIBCXX_3.4.30.</summary>
        public static ISet<string> DefinedVersions(string path)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            byte[] image = File.ReadAllBytes(path);
            if (!TryFindSection(image, ShtGnuVerdef, out var verdef, out _)) return names;
            long strtab = SectionOffset(image, verdef.Link, out long strSize);
            long entry = verdef.Offset;
            for (uint i = 0; i < verdef.Info; i++)
            {
                ushort auxCount = U16(image, entry + 6);
                long aux = entry + U32(image, entry + 12);
                if (auxCount > 0) names.Add(CString(image, strtab, strSize, U32(image, aux)));
                uint next = U32(image, entry + 16);
                if (next == 0) break;
                entry += next;
            }
            return names;
        }

        /// <summary>The libstdc++.so.6 the dynamic loader would pick on this host, or null if none is found.</summary>
        public static string? FindHostLibStdCxx()
        {
            var dirs = new List<string>();
            string? ldPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(ldPath)) dirs.AddRange(ldPath.Split(':'));
            dirs.AddRange(new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib" });
            foreach (string dir in dirs)
            {
                if (dir.Length == 0) continue;
                string candidate = Path.Combine(dir, "libstdc++.so.6");
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }

        private readonly struct Section
        {
            public Section(long offset, uint link, uint info) { Offset = offset; Link = link; Info = info; }
            public long Offset { get; }
            public uint Link { get; }
            public uint Info { get; }
        }

        private static bool TryFindSection(byte[] image, uint type, out Section section, out string? notElfReason)
        {
            section = default;
            notElfReason = null;
            if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
            {
                notElfReason = "not an ELF file (no \\x7fELF magic)";
                return false;
            }
            if (image[4] != 2 || image[5] != 1)
            {
                notElfReason = "not a little-endian ELF64 file";
                return false;
            }
            long shoff = (long)U64(image, 0x28);
            ushort shentsize = U16(image, 0x3A);
            ushort shnum = U16(image, 0x3C);
            if (shentsize != 64 || shoff <= 0 || shoff + (long)shnum * 64 > image.Length)
            {
                notElfReason = "its section header table is missing or malformed";
                return false;
            }
            for (int i = 0; i < shnum; i++)
            {
                long sh = shoff + i * 64L;
                if (U32(image, sh + 4) != type) continue;
                section = new Section((long)U64(image, sh + 0x18), U32(image, sh + 0x28), U32(image, sh + 0x2C));
                return section.Offset > 0 && section.Offset < image.Length
                    || (notElfReason = "a version section points outside the file") == null;
            }
            return false;
        }

        private static long SectionOffset(byte[] image, uint index, out long size)
        {
            long shoff = (long)U64(image, 0x28);
            long sh = shoff + index * 64L;
            size = (long)U64(image, sh + 0x20);
            return (long)U64(image, sh + 0x18);
        }

        private static string CString(byte[] image, long table, long tableSize, uint offset)
        {
            if (offset >= tableSize) throw new IndexOutOfRangeException();
            long start = table + offset, end = start;
            while (image[end] != 0) end++;
            return Encoding.ASCII.GetString(image, (int)start, (int)(end - start));
        }

        private static ushort U16(byte[] b, long at) => (ushort)(b[at] | b[at + 1] << 8);
        private static uint U32(byte[] b, long at) => (uint)(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24);
        private static ulong U64(byte[] b, long at) => U32(b, at) | (ulong)U32(b, at + 4) << 32;
    }

#if !ATTNRNN_PATCH_TESTS
    /// <summary>MSBuild task: patches the libLibTorchSharp.so copies in an output folder when the host needs it.</summary>
    public sealed class PatchLibTorchSharp : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Libraries { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        public override bool Execute()
        {
            if (Libraries.Length == 0) return true;
            string? host = ElfVersionPatcher.FindHostLibStdCxx();
            if (host != null && ElfVersionPatcher.DefinedVersions(host).Contains(ElfVersionPatcher.TorchSharpRequiredVersion))
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low,
                    $"libLibTorchSharp.so left as is: {host} provides {ElfVersionPatcher.TorchSharpRequiredVersion}.");
                return true;
            }
            var patched = new List<string>();
            foreach (var item in Libraries)
            {
                var result = ElfVersionPatcher.MarkVersionNeedWeak(item.ItemSpec, ElfVersionPatcher.TorchSharpRequiredVersion);
                switch (result.Outcome)
                {
                    case PatchOutcome.Patched: patched.Add(item.ItemSpec); break;
                    case PatchOutcome.NotElf64: Log.LogWarning($"Not patched: {result.Detail}"); break;
                    default: Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, result.Detail); break;
                }
            }
            if (patched.Count > 0)
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                    $"AttnRnnCluster: marked the {ElfVersionPatcher.TorchSharpRequiredVersion} requirement weak in {string.Join(", ", patched)} " +
                    $"because this host's libstdc++ ({host ?? "not found"}) lacks that version; the one symbol that needs it is never called (see README, Troubleshooting).");
            return true;
        }
    }
#endif
}
