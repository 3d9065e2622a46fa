namespace AttnRnnCluster.Deploy.Tests.Systemd;

/// <summary>A NAME=VALUE file as systemd's EnvironmentFile= and Compose's env_file read it (comments and blank lines skipped).</summary>
public static class EnvironmentFile
{
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        var variables = new Dictionary<string, string>();
        string[] lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            int equals = line.IndexOf('=');
            if (equals <= 0) throw new FormatException($"{path}, line {i + 1}: expected NAME=VALUE, got \"{line}\"");
            if (!variables.TryAdd(line[..equals], line[(equals + 1)..]))
                throw new FormatException($"{path}, line {i + 1}: {line[..equals]} is set twice");
        }
        return variables;
    }
}
