using System.Reflection;
using System.Text.RegularExpressions;

namespace AttnRnnCluster.Cluster.Tests.Architecture;

/// <summary>
/// The shape docs/design.md draws: which of our assemblies may reference which (read from the compiled assemblies),
/// and no two namespaces of src/ importing each other, directly or round a circle (read from the sources' usings).
/// </summary>
public sealed partial class DependencyTests
{
    /// <summary>For each of our assemblies, every one of ours it may reference (docs/design.md, "Assemblies").</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["AttnRnnCluster.Protocol"] = [],
        ["AttnRnnCluster.Transport"] = ["AttnRnnCluster.Protocol"],
        ["AttnRnnCluster.Hosting"] = ["AttnRnnCluster.Protocol", "AttnRnnCluster.Transport"],
        ["AttnRnnCluster.Http"] = [],
        ["AttnRnnCluster.Model"] = [],
        ["AttnRnnCluster.Worker.Training"] = ["AttnRnnCluster.Model", "AttnRnnCluster.Protocol", "AttnRnnCluster.Transport", "AttnRnnCluster.Hosting"],
        ["AttnRnnCluster.Worker"] = ["AttnRnnCluster.Worker.Training", "AttnRnnCluster.Model", "AttnRnnCluster.Protocol", "AttnRnnCluster.Transport", "AttnRnnCluster.Hosting", "AttnRnnCluster.Http"],
        ["AttnRnnCluster.Coordinator"] = ["AttnRnnCluster.Worker.Training", "AttnRnnCluster.Model", "AttnRnnCluster.Protocol", "AttnRnnCluster.Transport", "AttnRnnCluster.Hosting", "AttnRnnCluster.Http"],
    };

    public static TheoryData<string> Assemblies() => [.. Allowed.Keys];

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Each_assembly_references_only_the_ones_below_it(string name)
    {
        var ours = Assembly.Load(name).GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("AttnRnnCluster.", StringComparison.Ordinal));

        Assert.All(ours, referenced => Assert.True(Allowed[name].Contains(referenced), $"{name} references {referenced}, which docs/design.md does not allow"));
    }

    [Theory]
    [InlineData("AttnRnnCluster.Protocol")]
    [InlineData("AttnRnnCluster.Transport")]
    [InlineData("AttnRnnCluster.Hosting")]
    [InlineData("AttnRnnCluster.Http")]
    public void Shared_knows_nothing_of_TorchSharp(string name)
    {
        Assert.DoesNotContain(Assembly.Load(name).GetReferencedAssemblies(), a => a.Name!.StartsWith("TorchSharp", StringComparison.Ordinal));
    }

    [Fact]
    public void The_http_surface_knows_nothing_of_actors()
    {
        Assert.DoesNotContain(Assembly.Load("AttnRnnCluster.Http").GetReferencedAssemblies(), a => a.Name!.StartsWith("Akka", StringComparison.Ordinal));
    }

    [Fact]
    public void The_transport_uses_the_protocols_wire_but_none_of_its_messages()
    {
        var imported = Usings(Path.Combine(SourceRoot, "Shared", "Transport")).SelectMany(u => u.Value).Distinct();

        Assert.DoesNotContain(imported, n => n.StartsWith("AttnRnnCluster.Protocol", StringComparison.Ordinal) && n != "AttnRnnCluster.Protocol.Wire");
    }

    [Fact]
    public void No_namespace_of_src_imports_another_that_imports_it_back()
    {
        var graph = Usings(SourceRoot);

        var cycles = Cycles(graph);

        Assert.True(cycles.Count == 0, "namespaces that import each other: " + string.Join("; ", cycles.Select(c => string.Join(" -> ", c))));
    }

    private static string SourceRoot
    {
        get
        {
            var metadata = typeof(DependencyTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot");
            return Path.Combine(metadata.Value!, "src");
        }
    }

    /// <summary>Each namespace declared under <paramref name="folder"/> and the namespaces of ours its files import.</summary>
    private static Dictionary<string, HashSet<string>> Usings(string folder)
    {
        var graph = new Dictionary<string, HashSet<string>>();
        foreach (string file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")) continue;
            string text = File.ReadAllText(file);
            var declared = NamespaceDeclaration().Match(text);
            if (!declared.Success) continue;
            string ns = declared.Groups["name"].Value;
            if (!graph.TryGetValue(ns, out var imports)) graph[ns] = imports = [];
            foreach (Match use in UsingOfOurs().Matches(text))
                if (use.Groups["name"].Value != ns) imports.Add(use.Groups["name"].Value);
        }
        return graph;
    }

    /// <summary>The strongly connected groups of more than one namespace (Tarjan), each as a list of its members.</summary>
    private static List<List<string>> Cycles(Dictionary<string, HashSet<string>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var cycles = new List<List<string>>();
        foreach (string node in graph.Keys.Order(StringComparer.Ordinal))
            if (!index.ContainsKey(node)) Visit(node);
        return cycles;

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            foreach (string next in graph.GetValueOrDefault(node, []))
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (stack.Contains(next))
                    low[node] = Math.Min(low[node], index[next]);
            }
            if (low[node] != index[node]) return;
            var group = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                group.Add(member);
            } while (member != node);
            if (group.Count > 1) cycles.Add(group);
        }
    }

    [GeneratedRegex(@"^namespace (?<name>AttnRnnCluster[\w.]*);", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^using (?<name>AttnRnnCluster[\w.]*);", RegexOptions.Multiline)]
    private static partial Regex UsingOfOurs();
}
