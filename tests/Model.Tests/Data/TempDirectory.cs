using System.Text;

namespace AttnRnnCluster.Model.Tests.Data;

/// <summary>A fresh directory for a test's data files, deleted afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("attnrnn-data-").FullName;
    }

    public string Path { get; }

    public string Write(string name, string text) => WriteBytes(name, Encoding.UTF8.GetBytes(text));

    public string WriteLines(string name, params string[] lines) => Write(name, string.Join('\n', lines) + "\n");

    public string WriteBytes(string name, byte[] bytes)
    {
        string file = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(file, bytes);
        return file;
    }

    /// <summary>Every file in the directory, with its size, to prove that nothing was written.</summary>
    public string[] Listing() =>
        Directory.GetFileSystemEntries(Path, "*", SearchOption.AllDirectories)
            .Select(entry => $"{entry} {(File.Exists(entry) ? new FileInfo(entry).Length : -1)}")
            .Order(StringComparer.Ordinal)
            .ToArray();

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
