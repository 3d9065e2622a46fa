using AttnRnnCluster.Deploy.Tests.Yaml;
using YamlDotNet.RepresentationModel;

namespace AttnRnnCluster.Deploy.Tests.Kubernetes;

/// <summary>The Kubernetes objects of one kustomization folder under deploy/k8s, as its resources list them.</summary>
public sealed record Manifests(string Folder, IReadOnlyList<Manifests.KubeObject> Objects)
{
    public sealed record KubeObject(string File, string Kind, string Name, YamlMappingNode Document);

    public static Manifests Load(string folder)
    {
        var objects = new List<KubeObject>();
        foreach (string resource in Resources(folder))
        {
            string file = Path.Combine(folder, resource);
            foreach (var document in YamlDocuments.ReadFile(Repository.PathOf(file)))
                objects.Add(new KubeObject(file, document.At("kind").Text($"{file}: kind"),
                    document.At("metadata", "name").Text($"{file}: metadata.name"), document.Mapping(file)));
        }
        return new Manifests(folder, objects);
    }

    /// <summary>The resources: list of a folder's kustomization.yaml.</summary>
    public static IReadOnlyList<string> Resources(string folder) =>
        Kustomization(folder).At("resources").Sequence($"{folder}/kustomization.yaml: resources").Items
            .Select(item => item.Text("resource")).ToList();

    public static YamlNode Kustomization(string folder) =>
        Assert.Single(YamlDocuments.ReadFile(Repository.PathOf(folder, "kustomization.yaml")));

    public KubeObject Single(string kind, string name) =>
        Objects.SingleOrDefault(o => o.Kind == kind && o.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"{Folder}: no {kind} named {name}");

    /// <summary>The Deployments and StatefulSets.</summary>
    public IEnumerable<KubeObject> Workloads => Objects.Where(o => o.Kind is "Deployment" or "StatefulSet");

    public static IEnumerable<YamlMappingNode> Containers(KubeObject workload) =>
        workload.Document.At("spec", "template", "spec", "containers").Sequence($"{workload.Name}: containers").Items
            .Select(item => item.Mapping($"{workload.Name}: a container"));

    public static IReadOnlyList<YamlMappingNode> Environment(YamlMappingNode container) =>
        container.At("env") is { } env
            ? env.Sequence("env").Items.Select(item => item.Mapping("an env entry")).ToList()
            : [];

    /// <summary>The literal value of an env entry of a container; fails when absent or not a literal.</summary>
    public static string EnvironmentValue(YamlMappingNode container, string name) =>
        Environment(container).SingleOrDefault(entry => entry.At("name").Text("env name") == name) is { } entry
            ? entry.At("value").Text($"env {name}.value")
            : throw new Xunit.Sdk.XunitException($"container {container.At("name").Text("name")} sets no {name}");
}
