using System.Collections;
using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Help;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace AttnRnnCluster.Hosting.Options;

/// <summary>
/// Reads an executable's options. System.CommandLine parses the arguments against the executable's commands
/// (the first one is the default: its options are the root command's, and it may also be named); then the
/// configuration library layers the sources, each over the one before: a JSON config file (--config or
/// ATTNRNN_CONFIG), the environment (ATTNRNN_*), the command line (--name value or --name=value, the last of
/// several wins). The chosen command reads its options from that (<see cref="OptionValues"/>), and, when every
/// value is valid, its checks across options run. Every mistake is reported, not just the first.
/// </summary>
public sealed class OptionsCommandLine<T> where T : ICheckedOptions
{
    // "@file" would be read as a file of more arguments; here it is a value like any other (a prompt may start with @).
    private static readonly ParserConfiguration Grammar = new() { ResponseFileTokenReplacer = null };

    private readonly RootCommand _root;
    private readonly Dictionary<Command, OptionsCommand<T>> _commands = [];
    private readonly IReadOnlyList<string> _subcommands;
    private readonly Option<string[]> _config = new(OptionNames.CommandLine(OptionNames.Config))
    {
        HelpName = "FILE",
        Description = "read option values from a JSON file",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
        Recursive = true,
    };

    /// <param name="commands">The executable's commands; the first is the one that runs when none is named.</param>
    public OptionsCommandLine(IReadOnlyList<OptionsCommand<T>> commands)
    {
        var main = commands[0];
        _root = Command<RootCommand>(new RootCommand(main.Summary), main);
        // The options are the executables' own: no --version (the assembly's), and help is --help or -h only
        // (the library's /h and /? would take a path for a request for help).
        _root.Options.Remove(_root.Options.Single(o => o is VersionOption));
        _root.Options.Remove(_root.Options.Single(o => o is HelpOption));
        _root.Options.Add(new HelpOption("--help", "-h") { Recursive = true, Action = new SectionedHelp(command => SectionedHelp.Render(_commands[command])) });
        _root.Options.Add(_config);
        _subcommands = commands.Count > 1 ? [.. commands.Select(c => c.Name)] : [];
        foreach (var command in commands.Skip(_subcommands.Count > 0 ? 0 : 1))
            _root.Subcommands.Add(Command(new Command(command.Name, command.Summary), command));
    }

    public OptionsOutcome<T> Read(IReadOnlyList<string> args, IDictionary environment)
    {
        var parsed = _root.Parse(args, Grammar);
        if (parsed.Action is SectionedHelp help)
            return new OptionsOutcome<T>.Help(help.TextOf(parsed.CommandResult.Command));
        if (parsed.GetResult(_root.Directives.OfType<SuggestDirective>().Single()) is not null)
        {
            var completions = new StringWriter();
            parsed.Invoke(new InvocationConfiguration { Output = completions });
            return new OptionsOutcome<T>.Completions(completions.ToString());
        }
        if (CommandLineMistakes.UnknownCommand(parsed, _subcommands) is { } unknownCommand)
            return new OptionsOutcome<T>.Failure([unknownCommand]);
        var command = _commands[parsed.CommandResult.Command];
        var errors = CommandLineMistakes.Of(parsed, command, _config).ToList();

        string? configFile = ConfigFileName(parsed, environment);
        using var configuration = Layer(configFile, environment, CommandLineValues(parsed, command), errors);
        if (configuration.Providers.OfType<JsonConfigurationProvider>().SingleOrDefault() is { } file)
            errors.AddRange(ConfigFile.ShapeErrors(file, configFile!));
        var values = new OptionValues(configuration, configFile);
        var options = command.Read(values);
        errors.AddRange(values.Errors);
        errors.AddRange(UnknownNames(configuration, command, configFile));
        errors.AddRange(command.Options.Where(o => o.MustBeGiven && !values.IsSet(o.Key)).Select(o =>
            $"{o.Name} {o.Form} is required (on the command line, as {o.EnvironmentVariable}, or in the --config file)"));
        // Checks across options only make sense once every value is one the user meant.
        if (errors.Count == 0) errors.AddRange(options.Check(values));
        return errors.Count > 0 ? new OptionsOutcome<T>.Failure(errors) : new OptionsOutcome<T>.Success(options);
    }

    /// <summary>--config FILE (the last one given), else ATTNRNN_CONFIG, else none.</summary>
    private string? ConfigFileName(ParseResult parsed, IDictionary environment) =>
        parsed.GetResult(_config)?.Tokens.LastOrDefault()?.Value is { Length: > 0 } given ? given
        : environment[OptionNames.EnvironmentVariable(OptionNames.Config)] is string { Length: > 0 } fromEnvironment ? fromEnvironment
        : null;

    /// <summary>The sources in rising precedence: config file, environment, command line. A file that cannot be read adds an error.</summary>
    private static ConfigurationRoot Layer(string? configFile, IDictionary environment, IEnumerable<string> commandLine, List<string> errors)
    {
        var sources = new ConfigurationBuilder();
        if (configFile is not null) sources.AddConfigFile(configFile, errors);
        sources.Add(new EnvironmentSource(environment));
        sources.AddCommandLine([.. commandLine]);
        return (ConfigurationRoot)sources.Build();
    }

    private TCommand Command<TCommand>(TCommand command, OptionsCommand<T> options) where TCommand : Command
    {
        // Unmatched tokens are reported by CommandLineMistakes, with suggestions of our own.
        command.TreatUnmatchedTokensAsErrors = false;
        foreach (var option in options.Options) command.Options.Add(option);
        _commands[command] = options;
        return command;
    }

    /// <summary>The command line's values as the configuration's command-line provider reads them: "--name=value".</summary>
    private static IEnumerable<string> CommandLineValues(ParseResult parsed, OptionsCommand<T> command) =>
        command.Options.Where(o => o.OnCommandLine)
            .Select(o => (Option: o, Value: parsed.GetResult(o) is { } result ? result.Tokens.LastOrDefault()?.Value ?? o.ValueWhenBare : null))
            .Where(given => given.Value is not null)
            .Select(given => $"{given.Option.Name}={given.Value}");

    /// <summary>
    /// Variables and config-file keys that name no option of this command: skipped when another command or the
    /// other executable knows them (one environment may serve them all), a mistake otherwise.
    /// </summary>
    private static IEnumerable<string> UnknownNames(IConfigurationRoot configuration, OptionsCommand<T> command, string? configFile)
    {
        var keys = command.Options.Select(o => o.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var candidates = keys.Append(OptionNames.Config).ToList();
        foreach (var provider in configuration.Providers)
        {
            var names = provider switch
            {
                EnvironmentSource.Provider environment => environment.Keys,
                JsonConfigurationProvider => ConfigFile.TopLevelKeys(provider),
                _ => [],
            };
            foreach (string name in names.Where(n => !keys.Contains(n)))
            {
                string? close = Suggestions.Closest(name, candidates);
                if (provider is JsonConfigurationProvider && name.Equals(OptionNames.Config, StringComparison.OrdinalIgnoreCase))
                    yield return $"config file {configFile}: a config file cannot name another (\"{OptionNames.Config}\")";
                else if (KnownOptionNames.All.Contains(name))
                    continue;
                else if (provider is EnvironmentSource.Provider environment)
                    yield return $"unknown environment variable {environment.VariableOf(name)}{CommandLineMistakes.Hint(close is null ? null : OptionNames.EnvironmentVariable(close))}";
                else
                    yield return $"config file {configFile}: unknown key \"{name}\"{CommandLineMistakes.Hint(close is null ? null : $"\"{close}\"")}";
            }
        }
    }
}
