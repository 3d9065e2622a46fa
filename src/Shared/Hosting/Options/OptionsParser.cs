using System.Collections;

namespace AttnRnnCluster.Hosting.Options;

/// <summary>
/// Reads the options of both executables from, in rising precedence: the defaults, a JSON config file
/// (--config or ATTNRNN_CONFIG), the environment (ATTNRNN_*), and the command line (--name value, --name=value).
/// </summary>
public static class OptionsParser
{
    /// <summary>The exit code of an executable given invalid options (2, like the usage errors of most Unix tools).</summary>
    public const int UsageErrorExitCode = 2;

    /// <summary>The option naming the config file; it is read before everything else, so it is not in any table.</summary>
    public const string ConfigOption = "config";

    public static readonly IReadOnlyList<string> CoordinatorCommands = ["train", "eval", "sample"];

    /// <summary>
    /// Every option name of every command of both executables. The environment and a config file may be shared
    /// by several commands (one env file for a coordinator and its workers), so a name that another command
    /// knows is skipped there, not reported; a name nobody knows is a typo.
    /// </summary>
    private static readonly HashSet<string> KnownAnywhere =
    [
        ConfigOption,
        .. TrainingOptions.Table.Options.Select(o => o.Name),
        .. EvalOptions.Table.Options.Select(o => o.Name),
        .. SampleOptions.Table.Options.Select(o => o.Name),
        .. WorkerOptions.Table.Options.Select(o => o.Name),
    ];

    /// <summary>The coordinator's arguments: an optional command (train, the default; eval; sample), then options.</summary>
    public static ParseResult<ICoordinatorCommand> ParseCoordinator(IReadOnlyList<string> args, IDictionary environment)
    {
        if (args.Count == 0 || args[0].StartsWith('-'))
            return Widen(Parse(TrainingOptions.Table, args, environment));
        var rest = args.Skip(1).ToList();
        return args[0] switch
        {
            "train" => Widen(Parse(TrainingOptions.Table, rest, environment)),
            "eval" => Widen(Parse(EvalOptions.Table, rest, environment)),
            "sample" => Widen(Parse(SampleOptions.Table, rest, environment)),
            var unknown => new ParseResult<ICoordinatorCommand>.Failure(
            [
                $"unknown command \"{unknown}\"{Hint(Suggestions.Closest(unknown, CoordinatorCommands))}; the commands are {string.Join(", ", CoordinatorCommands)} (train when none is given)",
            ]),
        };
    }

    public static ParseResult<WorkerOptions> ParseWorker(IReadOnlyList<string> args, IDictionary environment) =>
        Parse(WorkerOptions.Table, args, environment);

    public static ParseResult<T> Parse<T>(OptionTable<T> table, IReadOnlyList<string> args, IDictionary environment) where T : class
    {
        var errors = new List<string>();
        var commandLine = Tokenize(args, errors, out bool helpWanted);
        if (helpWanted) return new ParseResult<T>.Help(HelpText.For(table));

        var assignments = new List<Assignment>();
        if (ConfigFileName(commandLine, environment, errors) is { } configFile) assignments.AddRange(FromConfigFile(configFile, errors));
        assignments.AddRange(FromEnvironment(environment));
        assignments.AddRange(commandLine.Where(a => a.Name != ConfigOption));

        var options = table.Defaults;
        var origins = new Provenance();
        foreach (var assignment in assignments)
        {
            if (Apply(table, options, assignment, errors) is { } updated)
            {
                options = updated;
                origins.Record(assignment.Name, assignment.Origin);
            }
        }
        errors.AddRange(table.Required.Where(name => assignments.All(a => a.Name != name))
            .Select(name => $"{OptionNames.CommandLine(name)} {table.Find(name)!.Kind.Form} is required "
                            + $"(on the command line, as {OptionNames.EnvironmentVariable(name)}, or in the --config file)"));
        if (errors.Count > 0) return new ParseResult<T>.Failure(errors);

        options = table.Complete(options, origins);
        errors.AddRange(table.Check(options, origins));
        return errors.Count > 0 ? new ParseResult<T>.Failure(errors) : new ParseResult<T>.Success(options);
    }

    /// <summary>One value for one option from one source; Value is null when the command line gave the name without one.</summary>
    private sealed record Assignment(string Name, string? Value, OptionOrigin Origin);

    /// <returns>The options with the assignment applied, or null (and an error, unless the option is another command's).</returns>
    private static T? Apply<T>(OptionTable<T> table, T options, Assignment assignment, List<string> errors) where T : class
    {
        var (name, value, origin) = assignment;
        var option = table.Find(name);
        if (option is null)
        {
            if (origin.Source == OptionSources.CommandLine || !KnownAnywhere.Contains(name))
                errors.Add(Unknown(table, assignment));
            return default;
        }
        if (!option.Sources.HasFlag(origin.Source))
        {
            errors.Add($"{OptionNames.CommandLine(name)} is not accepted on the command line, where every user of this machine can read it; "
                       + $"set the environment variable {option.EnvironmentVariable} or use a file");
            return default;
        }
        if (value is null)
        {
            errors.Add(MissingValue(name, option.Kind.Form));
            return default;
        }
        var parsed = option.Kind.Parse(value);
        if (parsed.Error is not null)
        {
            errors.Add($"{origin.Describe(name)}: {parsed.Error}");
            return default;
        }
        return option.Set(options, parsed.Value!);
    }

    private static string Unknown<T>(OptionTable<T> table, Assignment assignment)
    {
        if (KnownAnywhere.Contains(assignment.Name))
            return $"{OptionNames.CommandLine(assignment.Name)} is not an option of {table.Command}";
        var names = table.Options.Select(o => o.Name).Append(ConfigOption).ToList();
        string? close = Suggestions.Closest(assignment.Name, names);
        return assignment.Origin.Source switch
        {
            OptionSources.Environment => $"unknown environment variable {assignment.Origin.Detail}"
                                         + Hint(close is null ? null : OptionNames.EnvironmentVariable(close)),
            OptionSources.ConfigFile => $"config file {assignment.Origin.Detail}: unknown key \"{assignment.Name}\"" + Hint(close is null ? null : $"\"{close}\""),
            _ => $"unknown option {OptionNames.CommandLine(assignment.Name)}" + Hint(close is null ? null : OptionNames.CommandLine(close)),
        };
    }

    private static string MissingValue(string name, string form) => $"{OptionNames.CommandLine(name)}: missing value (expected {form})";

    private static string Hint(string? suggestion) => suggestion is null ? "" : $" (did you mean {suggestion}?)";

    /// <summary>Splits "--name value" and "--name=value" pairs; a token starting with "--" is never taken as a value.</summary>
    private static List<Assignment> Tokenize(IReadOnlyList<string> args, List<string> errors, out bool helpWanted)
    {
        var assignments = new List<Assignment>();
        var origin = new OptionOrigin(OptionSources.CommandLine);
        helpWanted = false;
        for (int i = 0; i < args.Count; i++)
        {
            string token = args[i];
            if (token is "--help" or "-h")
                helpWanted = true;
            else if (token.StartsWith("--", StringComparison.Ordinal) && token.Length > 2)
            {
                int equals = token.IndexOf('=');
                if (equals > 0)
                    assignments.Add(new(token[2..equals], token[(equals + 1)..], origin));
                else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    assignments.Add(new(token[2..], args[++i], origin));
                else
                    assignments.Add(new(token[2..], null, origin));
            }
            else
                errors.Add($"unexpected argument \"{token}\" (options look like --name value; a command, if any, comes first)");
        }
        return assignments;
    }

    private static IEnumerable<Assignment> FromEnvironment(IDictionary environment) =>
        environment.Keys.OfType<string>()
            .Where(variable => variable.StartsWith(OptionNames.EnvironmentPrefix, StringComparison.Ordinal)
                               && variable != OptionNames.EnvironmentVariable(ConfigOption)
                               && environment[variable] is string { Length: > 0 }) // an empty variable is an unset one (docker-compose ${X})
            .Order(StringComparer.Ordinal)
            .Select(variable => new Assignment(OptionNames.FromEnvironmentVariable(variable), (string)environment[variable]!,
                new OptionOrigin(OptionSources.Environment, variable)));

    /// <summary>--config FILE, else ATTNRNN_CONFIG, else none.</summary>
    private static string? ConfigFileName(List<Assignment> commandLine, IDictionary environment, List<string> errors)
    {
        if (commandLine.LastOrDefault(a => a.Name == ConfigOption) is { } given)
        {
            if (string.IsNullOrEmpty(given.Value)) errors.Add(MissingValue(ConfigOption, "FILE"));
            return string.IsNullOrEmpty(given.Value) ? null : given.Value;
        }
        return environment[OptionNames.EnvironmentVariable(ConfigOption)] is string { Length: > 0 } fromEnvironment ? fromEnvironment : null;
    }

    private static IEnumerable<Assignment> FromConfigFile(string path, List<string> errors)
    {
        var (entries, fileError) = ConfigFile.Read(path);
        if (fileError is not null) errors.Add(fileError);
        var origin = new OptionOrigin(OptionSources.ConfigFile, path);
        foreach (var entry in entries)
        {
            if (entry.Key == ConfigOption)
                errors.Add($"config file {path}: a config file cannot name another (\"{ConfigOption}\")");
            else if (entry.Error is not null)
                errors.Add($"{origin.Describe(entry.Key)}: {entry.Error}");
            else
                yield return new Assignment(entry.Key, entry.Value, origin);
        }
    }

    private static ParseResult<ICoordinatorCommand> Widen<T>(ParseResult<T> result) where T : ICoordinatorCommand => result switch
    {
        ParseResult<T>.Success success => new ParseResult<ICoordinatorCommand>.Success(success.Options),
        ParseResult<T>.Help help => new ParseResult<ICoordinatorCommand>.Help(help.Text),
        ParseResult<T>.Failure failure => new ParseResult<ICoordinatorCommand>.Failure(failure.Errors),
        _ => throw new InvalidOperationException($"unexpected parse result {result}"),
    };
}
