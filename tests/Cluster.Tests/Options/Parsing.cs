using System.Collections;
using AttnRnnCluster.Coordinator.Options;
using AttnRnnCluster.Hosting.Options;

namespace AttnRnnCluster.Cluster.Tests.Options;

/// <summary>Shortcuts for the tests: parse with a given environment and unwrap the expected outcome.</summary>
internal static class Parsing
{
    public static readonly Hashtable NoEnvironment = new();

    public static Hashtable Environment(params (string Name, string Value)[] variables)
    {
        var environment = new Hashtable();
        foreach (var (name, value) in variables) environment[name] = value;
        return environment;
    }

    public static TrainingOptions Train(params string[] args) => Train(NoEnvironment, args);

    public static TrainingOptions Train(IDictionary environment, params string[] args) =>
        Assert.IsType<TrainingOptions>(Succeeds(CoordinatorCommandLine.Read(args, environment)));

    public static T Succeeds<T>(OptionsOutcome<T> result) =>
        result is OptionsOutcome<T>.Failure failure
            ? throw new Xunit.Sdk.XunitException("expected success, got:\n" + failure.Report)
            : Assert.IsType<OptionsOutcome<T>.Success>(result).Options;

    public static IReadOnlyList<string> CoordinatorErrors(params string[] args) => CoordinatorErrors(NoEnvironment, args);

    public static IReadOnlyList<string> CoordinatorErrors(IDictionary environment, params string[] args) =>
        Assert.IsType<OptionsOutcome<ICoordinatorCommand>.Failure>(CoordinatorCommandLine.Read(args, environment)).Errors;

    /// <summary>The one error the arguments must give.</summary>
    public static string CoordinatorError(params string[] args) => Assert.Single(CoordinatorErrors(args));

    public static string CoordinatorError(IDictionary environment, params string[] args) => Assert.Single(CoordinatorErrors(environment, args));
}
