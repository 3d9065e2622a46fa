using AttnRnnCluster.Deploy.Tests.Yaml;

namespace AttnRnnCluster.Deploy.Tests;

public sealed class DeployYamlTests
{
    public static TheoryData<string> YamlFiles => [.. Repository.FilesUnder("deploy", ".yaml", ".yml")];

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void Every_yaml_file_in_deploy_is_well_formed_with_a_mapping_per_document(string file)
    {
        var documents = YamlDocuments.ReadFile(Repository.PathOf(file));

        Assert.NotEmpty(documents);
        Assert.All(documents, document => document.Mapping(file));
    }
}
