using System.CommandLine;
using System.CommandLine.Invocation;
using System.Text;

namespace AttnRnnCluster.Hosting.Options;

/// <summary>
/// The --help of a command: its options in titled sections, each with its form, range and default, then where
/// else options come from. System.CommandLine decides when help is asked for (--help or -h, even among
/// mistakes, for the command named before it); this action writes it. (The library's help builder is internal in
/// 3.0, and its fixed layout has neither sections nor ranges.)
/// </summary>
public sealed class SectionedHelp(Func<Command, string> textOf) : SynchronousCommandLineAction
{
    private const int NameColumn = 34;

    public override bool ClearsParseErrors => true;

    public string TextOf(Command command) => textOf(command);

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.Write(TextOf(parseResult.CommandResult.Command));
        return ExitCodes.Ok;
    }

    public static string Render<T>(OptionsCommand<T> command) where T : ICheckedOptions
    {
        var text = new StringBuilder()
            .AppendLine($"Usage: {command.Usage}")
            .AppendLine()
            .AppendLine(command.Summary.TrimEnd());
        foreach (var section in command.Sections)
        {
            text.AppendLine().AppendLine($"{section.Title}:");
            foreach (var option in section.Options)
                Row(text, Synopsis(option), Description(option));
        }
        text.AppendLine().AppendLine("general:");
        Row(text, $"{OptionNames.CommandLine(OptionNames.Config)} FILE", "read option values from a JSON file, e.g. {\"micro-batch\": 16}");
        Row(text, "--help", "show this text");
        return text.AppendLine().Append($"""
            Every option can also be set in the environment as {OptionNames.EnvironmentPrefix}<NAME> (e.g. {OptionNames.EnvironmentVariable("micro-batch")}=16)
            or as a key of the --config file. The command line wins over the environment, which wins over the file.
            Values: --name value or --name=value.
            """).AppendLine().ToString();
    }

    /// <summary>"--micro-batch N", or for options kept off the command line, "ATTNRNN_TLS_PASSWORD=TEXT".</summary>
    private static string Synopsis(LayeredOption option) =>
        option.OnCommandLine ? $"{option.Name} {option.Form}" : $"{option.EnvironmentVariable}={option.Form}";

    private static string Description(LayeredOption option) =>
        option.Description + (option.Range is { } range ? $"; range {range}" : "")
        + (option.MustBeGiven ? " (required)" : $" (default: {option.DefaultText})");

    private static void Row(StringBuilder text, string synopsis, string description)
    {
        string name = "  " + synopsis;
        if (name.Length < NameColumn) text.Append(name.PadRight(NameColumn));
        else text.AppendLine(name).Append(new string(' ', NameColumn));
        text.AppendLine(description);
    }
}
