using System.CommandLine;
using System.CommandLine.Parsing;

namespace AttnRnnCluster.Hosting.Options;

/// <summary>
/// What System.CommandLine's parse of the arguments shows to be wrong, said in the executables' words: a
/// mistyped command or option (with the closest valid name), an option of another command, a stray argument,
/// an option without a value, a secret on the command line. (The library reports unmatched tokens in its own
/// words, and suggests names only among a command's options, within 3 edits.)
/// </summary>
internal static class CommandLineMistakes
{
    public const string OptionsLookLike = "options look like --name value; a command, if any, comes first";

    /// <summary>A first argument that is no option, when it should have been one of <paramref name="commands"/> (the first is the default).</summary>
    public static string? UnknownCommand(ParseResult parsed, IReadOnlyList<string> commands) =>
        commands.Count > 0 && Unmatched(parsed) is [{ Index: 0, Token: { Type: TokenType.Argument, Value: var first } }, ..] && !first.StartsWith('-')
            ? $"unknown command \"{first}\"{Hint(Suggestions.Closest(first, commands))}; "
              + $"the commands are {string.Join(", ", commands)} ({commands[0]} when none is given)"
            : null;

    /// <param name="command">The command that was parsed.</param>
    /// <param name="configOption">--config, which every command has.</param>
    public static IReadOnlyList<string> Of<T>(ParseResult parsed, OptionsCommand<T> command, Option configOption)
        where T : ICheckedOptions
    {
        var unmatched = Unmatched(parsed);
        var errors = new List<string>();
        // Errors that the options' own validators found (a secret given on the command line).
        errors.AddRange(parsed.Errors.Where(e => e.SymbolResult is OptionResult).Select(e => e.Message));
        foreach (var option in command.Options.Where(o => o.OnCommandLine && o.ValueWhenBare is null).Cast<Option>().Append(configOption))
        {
            // Each occurrence takes one value; fewer values than occurrences means one came without.
            if (parsed.GetResult(option) is { } result && result.IdentifierTokenCount > result.Tokens.Count)
                errors.Add($"{option.Name}: missing value (expected {option.HelpName})");
        }
        var keys = command.Options.Select(o => o.Key).Append(OptionNames.Config).ToList();
        for (int i = 0; i < unmatched.Count; i++)
        {
            string token = unmatched[i].Token.Value;
            // Everything from a "--" on is an argument, and these commands take none.
            if (unmatched[i].Token.Type == TokenType.Argument && unmatched[i].Index < EndOfOptions(parsed)
                && token.StartsWith("--", StringComparison.Ordinal) && token.Length > 2)
            {
                errors.Add(UnknownOption(token, command.Name, keys));
                // "--colour blue": the value of the unknown option is no further mistake.
                if (!token.Contains('=') && i + 1 < unmatched.Count && unmatched[i + 1].Index == unmatched[i].Index + 1
                    && !unmatched[i + 1].Token.Value.StartsWith('-'))
                    i++;
            }
            else
                errors.Add($"unexpected argument \"{token}\" ({OptionsLookLike})");
        }
        return errors;
    }

    /// <summary>
    /// The argument tokens no option took, a "--", and a directive such as "[x]" (the one directive these commands
    /// know, [suggest], is answered before), with their positions among all tokens.
    /// </summary>
    private static List<(Token Token, int Index)> Unmatched(ParseResult parsed)
    {
        var taken = new HashSet<Token>(OptionResults(parsed.RootCommandResult).SelectMany(r => r.Tokens), ReferenceEqualityComparer.Instance);
        return [.. parsed.Tokens.Select((token, index) => (token, index)).Where(t => t.token.Type switch
        {
            TokenType.Argument => !taken.Contains(t.token),
            TokenType.DoubleDash or TokenType.Directive => true,
            _ => false,
        })];
    }

    /// <summary>The position of the first "--" among the tokens (after it, the parser reads no options), or the end.</summary>
    private static int EndOfOptions(ParseResult parsed) =>
        parsed.Tokens.Select((token, index) => (token, index)).FirstOrDefault(t => t.token.Type == TokenType.DoubleDash) is { token: not null } end
            ? end.index
            : parsed.Tokens.Count;

    private static IEnumerable<OptionResult> OptionResults(CommandResult command) =>
        command.Children.OfType<OptionResult>().Concat(command.Children.OfType<CommandResult>().SelectMany(OptionResults));

    private static string UnknownOption(string token, string command, IReadOnlyList<string> keys)
    {
        string name = token[2..].Split('=')[0];
        if (KnownOptionNames.All.Contains(name))
            return $"{OptionNames.CommandLine(name)} is not an option of {command}";
        return $"unknown option {OptionNames.CommandLine(name)}{Hint(Suggestions.Closest(name, keys) is { } close ? OptionNames.CommandLine(close) : null)}";
    }

    public static string Hint(string? suggestion) => suggestion is null ? "" : $" (did you mean {suggestion}?)";
}
