using System.Collections;
using AttnRnnCluster.Hosting.Options;

namespace AttnRnnCluster.Shared.Tests.Configuration;

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
        Assert.IsType<TrainingOptions>(Succeeds(OptionsParser.ParseCoordinator(args, environment)));

    public static T Succeeds<T>(ParseResult<T> result) =>
        result is ParseResult<T>.Failure failure
            ? throw new Xunit.Sdk.XunitException("expected success, got:\n" + failure.Report)
            : Assert.IsType<ParseResult<T>.Success>(result).Options;

    public static IReadOnlyList<string> CoordinatorErrors(params string[] args) => CoordinatorErrors(NoEnvironment, args);

    public static IReadOnlyList<string> CoordinatorErrors(IDictionary environment, params string[] args) =>
        Assert.IsType<ParseResult<ICoordinatorCommand>.Failure>(OptionsParser.ParseCoordinator(args, environment)).Errors;

    /// <summary>The one error the arguments must give.</summary>
    public static string CoordinatorError(params string[] args) => Assert.Single(CoordinatorErrors(args));

    public static string CoordinatorError(IDictionary environment, params string[] args) => Assert.Single(CoordinatorErrors(environment, args));
}
