namespace AttnRnnCluster.Cluster.Tests.Options;

/// <summary>A scratch folder for config and data files, removed after the test.</summary>
public sealed class TempFiles : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("attnrnn-options-").FullName;

    public string Write(string name, string content)
    {
        string path = Path.Combine(Folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
