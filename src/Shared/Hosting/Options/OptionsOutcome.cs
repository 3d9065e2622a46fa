namespace AttnRnnCluster.Hosting.Options;

/// <summary>
/// What reading the options gave: the options; text the user asked for (the help, or completions for a shell),
/// to print before exiting with <see cref="ExitCodes.Ok"/>; or the errors, whose <see cref="Failure.Report"/> is
/// printed before exiting with <see cref="ExitCodes.BadInput"/>.
/// </summary>
public abstract record OptionsOutcome<T>
{
    private OptionsOutcome() { }

    public sealed record Success(T Options) : OptionsOutcome<T>;

    public sealed record Help(string Text) : OptionsOutcome<T>;

    /// <summary>The answer to System.CommandLine's [suggest] directive, which shell completion (dotnet-suggest) sends.</summary>
    public sealed record Completions(string Text) : OptionsOutcome<T>;

    public sealed record Failure(IReadOnlyList<string> Errors) : OptionsOutcome<T>
    {
        /// <summary>Every error on its own line, then where to look for the valid options.</summary>
        public string Report => string.Join(Environment.NewLine, Errors.Select(e => "error: " + e))
                                + Environment.NewLine + "Run with --help to see every option, its range and its default.";
    }
}
