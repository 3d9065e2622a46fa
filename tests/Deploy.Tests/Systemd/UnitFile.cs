namespace AttnRnnCluster.Deploy.Tests.Systemd;

/// <summary>A systemd unit file or drop-in: its sections, each an ordered list of settings (a key may repeat).</summary>
public sealed record UnitFile(string Name, IReadOnlyDictionary<string, IReadOnlyList<KeyValuePair<string, string>>> Sections)
{
    public static UnitFile Read(string path)
    {
        var sections = new Dictionary<string, List<KeyValuePair<string, string>>>();
        List<KeyValuePair<string, string>>? current = null;
        string[] lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line.EndsWith('\\')) throw new FormatException($"{path}, line {i + 1}: continuation lines are not used in deploy/systemd");
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                string section = line[1..^1];
                if (sections.ContainsKey(section)) throw new FormatException($"{path}, line {i + 1}: section [{section}] twice");
                sections[section] = current = [];
                continue;
            }
            int equals = line.IndexOf('=');
            if (equals <= 0 || current is null) throw new FormatException($"{path}, line {i + 1}: expected KEY=VALUE inside a section, got \"{line}\"");
            current.Add(new(line[..equals].Trim(), line[(equals + 1)..].Trim()));
        }
        return new UnitFile(Path.GetFileName(path), sections.ToDictionary(s => s.Key, s => (IReadOnlyList<KeyValuePair<string, string>>)s.Value));
    }

    /// <summary>Every value of a key in a section, in order.</summary>
    public IReadOnlyList<string> Values(string section, string key) =>
        Sections.TryGetValue(section, out var settings) ? settings.Where(s => s.Key == key).Select(s => s.Value).ToList() : [];

    /// <summary>The one value of a key; fails when it is absent or set twice.</summary>
    public string Value(string section, string key) =>
        Values(section, key) is [var value] ? value : throw new Xunit.Sdk.XunitException($"{Name}: [{section}] {key} is set {Values(section, key).Count} times, expected once");

    /// <summary>The variables set by Environment= lines (each may set several, space-separated).</summary>
    public IReadOnlyDictionary<string, string> Environment => Values("Service", "Environment")
        .SelectMany(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Select(assignment => assignment.Split('=', 2))
        .ToDictionary(pair => pair[0], pair => pair[1]);
}
