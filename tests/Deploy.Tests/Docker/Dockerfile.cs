namespace AttnRnnCluster.Deploy.Tests.Docker;

/// <summary>A Dockerfile as its instructions (continuation lines joined, comments dropped), grouped by stage.</summary>
public sealed record Dockerfile(IReadOnlyList<IReadOnlyList<Dockerfile.Instruction>> Stages)
{
    public sealed record Instruction(int Line, string Keyword, string Arguments);

    public static Dockerfile Read(string path)
    {
        var stages = new List<List<Instruction>>();
        string[] lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            int first = i + 1;
            while (line.EndsWith('\\') && i + 1 < lines.Length) line = line[..^1].TrimEnd() + " " + lines[++i].Trim();
            string[] parts = line.Split(' ', 2);
            var instruction = new Instruction(first, parts[0].ToUpperInvariant(), parts.Length > 1 ? parts[1].Trim() : "");
            if (instruction.Keyword == "FROM") stages.Add([]);
            if (stages.Count == 0) throw new FormatException($"{path}, line {first}: {instruction.Keyword} before the first FROM");
            stages[^1].Add(instruction);
        }
        return new Dockerfile(stages);
    }

    public IEnumerable<Instruction> All => Stages.SelectMany(stage => stage);

    public IReadOnlyList<Instruction> Final => Stages[^1];
}
