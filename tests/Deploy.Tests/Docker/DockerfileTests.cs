namespace AttnRnnCluster.Deploy.Tests.Docker;

/// <summary>deploy/docker/Dockerfile and .dockerignore checked offline (building the image needs a Docker daemon).</summary>
public sealed class DockerfileTests
{
    private static readonly Dockerfile Image = Dockerfile.Read(Repository.PathOf("deploy", "docker", "Dockerfile"));
    private static readonly DockerIgnore Ignored = DockerIgnore.Read(Repository.PathOf(".dockerignore"));

    private static Dockerfile.Instruction Single(IEnumerable<Dockerfile.Instruction> instructions, string keyword) =>
        Assert.Single(instructions, instruction => instruction.Keyword == keyword);

    /// <summary>A COPY's flags, sources and destination.</summary>
    private static (string[] Flags, string[] Sources, string Destination) Copy(Dockerfile.Instruction copy)
    {
        string[] words = copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string[] flags = words.TakeWhile(word => word.StartsWith("--", StringComparison.Ordinal)).ToArray();
        return (flags, words[flags.Length..^1], words[^1]);
    }

    [Fact]
    public void It_builds_on_the_sdk_and_runs_on_the_runtime_image_of_dotnet_10_for_x64()
    {
        Assert.Equal(2, Image.Stages.Count);
        Assert.Equal("--platform=linux/amd64 mcr.microsoft.com/dotnet/sdk:10.0 AS build", Image.Stages[0][0].Arguments);
        Assert.Equal("--platform=linux/amd64 mcr.microsoft.com/dotnet/runtime:10.0", Image.Final[0].Arguments);
    }

    [Fact]
    public void Both_executables_are_published_for_linux_x64_into_one_folder_that_the_final_stage_copies()
    {
        var publishes = Image.Stages[0].Where(i => i.Keyword == "RUN").SelectMany(i => i.Arguments.Split("&&"))
            .Select(command => command.Trim()).Where(command => command.StartsWith("dotnet publish", StringComparison.Ordinal)).ToList();

        Assert.Equal(2, publishes.Count);
        Assert.Contains(publishes, p => p.StartsWith("dotnet publish src/Coordinator/Coordinator.csproj ", StringComparison.Ordinal));
        Assert.Contains(publishes, p => p.StartsWith("dotnet publish src/Worker/Worker.csproj ", StringComparison.Ordinal));
        Assert.All(publishes, p => Assert.Contains(" -c Release -r linux-x64 ", p));
        Assert.All(publishes, p => Assert.EndsWith(" -o /app", p));
        Assert.Contains(Image.Final, i => i.Keyword == "COPY" && i.Arguments == "--from=build /app /app");
    }

    [Fact]
    public void The_final_stage_runs_as_an_unprivileged_user_with_a_health_check_and_the_launcher_as_entrypoint()
    {
        var user = Single(Image.Final, "USER");
        Assert.DoesNotMatch("^(root|0)(:.*)?$", user.Arguments);
        Assert.True(Image.Final.Where(i => i.Keyword == "RUN").All(run => run.Line < user.Line), "a RUN after USER would run unprivileged, a RUN before it as root: keep USER last");

        var copiedToApp = Image.Stages[0].Where(i => i.Keyword == "COPY").Select(Copy)
            .Where(copy => copy.Destination == "/app/").SelectMany(copy => copy.Sources).ToList();
        Assert.Equal("--interval=30s --timeout=5s --start-period=60s --retries=3 CMD [\"/app/healthcheck\"]", Single(Image.Final, "HEALTHCHECK").Arguments);
        Assert.Contains("deploy/docker/healthcheck", copiedToApp);
        Assert.Equal("[\"/app/attnrnn\"]", Single(Image.Final, "ENTRYPOINT").Arguments);
        Assert.Contains("deploy/launcher/attnrnn", copiedToApp);
        Assert.DoesNotContain(Image.Final, i => i.Keyword == "CMD"); // a default CMD would hide ATTNRNN_ROLE
    }

    [Fact]
    public void Every_file_copied_from_the_context_exists_and_is_not_left_out_by_dockerignore()
    {
        var sources = Image.All.Where(i => i.Keyword == "COPY").Select(Copy)
            .Where(copy => !copy.Flags.Any(flag => flag.StartsWith("--from=", StringComparison.Ordinal)))
            .SelectMany(copy => copy.Sources).ToList();

        Assert.NotEmpty(sources);
        Assert.All(sources, source =>
        {
            Assert.True(File.Exists(Repository.PathOf(source)) || Directory.Exists(Repository.PathOf(source)), $"{source} does not exist");
            Assert.False(Ignored.Excludes(source), $"{source} is excluded by .dockerignore");
        });
        Assert.All(new[] { "deploy/launcher/attnrnn", "deploy/docker/healthcheck" }, script =>
            Assert.True(File.GetUnixFileMode(Repository.PathOf(script)).HasFlag(UnixFileMode.UserExecute), $"{script} is not executable"));
    }

    [Theory]
    [InlineData(".git/config", true)]
    [InlineData("src/Model/bin/Debug/x.dll", true)]
    [InlineData("src/Model/obj/project.assets.json", true)]
    [InlineData("artifacts/app/Debug/libtorch.so", true)]
    [InlineData("runs/20250101-000000/metrics.jsonl", true)]
    [InlineData("src/Model/ModelConfig.cs", false)]
    [InlineData("build/GlibcxxWeakPatch.cs", false)]
    [InlineData("Directory.Packages.props", false)]
    public void The_build_context_leaves_out_build_output_runs_and_history(string path, bool excluded)
    {
        Assert.Equal(excluded, Ignored.Excludes(path));
    }
}
