using System.Text;

namespace AttnRnnCluster.Hosting.Options;

/// <summary>The --help text of a command, generated from its option table so that it can never disagree with the parser.</summary>
public static class HelpText
{
    private const int NameColumn = 34;

    public static string For<T>(OptionTable<T> table)
    {
        var text = new StringBuilder()
            .AppendLine($"Usage: {table.Usage}")
            .AppendLine()
            .AppendLine(table.Summary.TrimEnd());
        foreach (var section in table.Sections)
        {
            text.AppendLine().AppendLine($"{section.Title}:");
            foreach (var option in section.Options)
                Row(text, Synopsis(option), $"{option.Description}{DefaultOf(table, option)}");
        }
        text.AppendLine().AppendLine("general:");
        Row(text, $"{OptionNames.CommandLine(OptionsParser.ConfigOption)} FILE", "read option values from a JSON file, e.g. {\"micro-batch\": 16}");
        Row(text, "--help", "show this text");
        return text.AppendLine().Append($"""
            Every option can also be set in the environment as {OptionNames.EnvironmentPrefix}<NAME> (e.g. {OptionNames.EnvironmentVariable("micro-batch")}=16)
            or as a key of the --config file. The command line wins over the environment, which wins over the file.
            Values: --name value or --name=value.
            """).AppendLine().ToString();
    }

    /// <summary>"--micro-batch N", or for options kept off the command line, "ATTNRNN_TLS_PASSWORD=TEXT".</summary>
    private static string Synopsis<T>(Option<T> option) =>
        option.Sources.HasFlag(OptionSources.CommandLine)
            ? $"{OptionNames.CommandLine(option.Name)} {option.Kind.Form}"
            : $"{option.EnvironmentVariable}={option.Kind.Form}";

    private static string DefaultOf<T>(OptionTable<T> table, Option<T> option) =>
        table.Required.Contains(option.Name) ? " (required)"
        : $" (default: {option.DefaultNote ?? option.Kind.Format(option.Get(table.Defaults))})";

    private static void Row(StringBuilder text, string synopsis, string description)
    {
        string name = "  " + synopsis;
        if (name.Length < NameColumn) text.Append(name.PadRight(NameColumn));
        else text.AppendLine(name).Append(new string(' ', NameColumn));
        text.AppendLine(description);
    }
}
