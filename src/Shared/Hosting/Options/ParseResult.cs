namespace AttnRnnCluster.Hosting.Options;

/// <summary>
/// What reading the options gave: the options, a request for help, or the errors. The executable prints
/// help and exits 0, or prints <see cref="Failure.Report"/> and exits <see cref="OptionsParser.UsageErrorExitCode"/>.
/// </summary>
public abstract record ParseResult<T>
{
    private ParseResult() { }

    public sealed record Success(T Options) : ParseResult<T>;

    public sealed record Help(string Text) : ParseResult<T>;

    public sealed record Failure(IReadOnlyList<string> Errors) : ParseResult<T>
    {
        /// <summary>Every error on its own line, then where to look for the valid options.</summary>
        public string Report => string.Join(Environment.NewLine, Errors.Select(e => "error: " + e))
                                + Environment.NewLine + "Run with --help to see every option, its range and its default.";
    }
}
