using System.CommandLine;

namespace AttnRnnCluster.Hosting.Options;

/// <summary>
/// An option whose value may come from any source, layered: the config file, then the environment, then the
/// command line (see <see cref="OptionValues"/>). It is a System.CommandLine option, so the parser, the help and
/// shell completion know it; on the command line it only collects the texts given (the last one wins), which
/// are read with <see cref="ValueKind{T}"/> like those of the other sources once every source is known.
/// </summary>
public abstract class LayeredOption : Option<string[]>
{
    private protected LayeredOption(string key, string form, string description, bool onCommandLine)
        : base(OptionNames.CommandLine(key))
    {
        Key = key;
        Form = form;
        Description = description;
        HelpName = form;
        OnCommandLine = onCommandLine;
        // Every occurrence takes one value, or none (reported as a missing value in our words, not the parser's).
        Arity = ArgumentArity.ZeroOrMore;
        AllowMultipleArgumentsPerToken = false;
        if (!onCommandLine)
        {
            Hidden = true;
            Validators.Add(result => result.AddError(
                $"{Name} is not accepted on the command line, where every user of this machine can read it; "
                + $"set the environment variable {EnvironmentVariable} or use a file"));
        }
    }

    /// <summary>The name without dashes: the config file's key, and the environment variable in upper snake case.</summary>
    public string Key { get; }

    /// <summary>How the value is written in the help: N, X, FILE, adding|text|jsonl.</summary>
    public string Form { get; }

    /// <summary>False for secrets: anything on a command line can be read by every user of the machine.</summary>
    public bool OnCommandLine { get; }

    /// <summary>
    /// Must be given in some source (no default makes sense, e.g. the checkpoint to evaluate). System.CommandLine's
    /// own <see cref="Option.Required"/> would demand the command line, so it stays off.
    /// </summary>
    public bool MustBeGiven { get; init; }

    /// <summary>
    /// The value a bare occurrence on the command line means (<c>--insecure</c> for <c>--insecure on</c>); null when
    /// the option always takes a value.
    /// </summary>
    public string? ValueWhenBare { get; init; }

    public string EnvironmentVariable => OptionNames.EnvironmentVariable(Key);

    /// <summary>The valid values in words ("1..65536"), or null when the form says it all.</summary>
    public abstract string? Range { get; }

    /// <summary>The default as the help and the docs show it: the value, or words where a value cannot say it.</summary>
    public abstract string DefaultText { get; }
}

/// <summary>An option whose value means a <typeparamref name="T"/>; without a value from any source it is <see cref="Default"/>.</summary>
public sealed class LayeredOption<T> : LayeredOption
{
    public LayeredOption(string key, ValueKind<T> kind, T defaultValue, string description, bool onCommandLine = true)
        : base(key, kind.Form, description, onCommandLine)
    {
        Kind = kind;
        Default = defaultValue;
        if (kind.Completions.Count > 0) CompletionSources.Add([.. kind.Completions]);
    }

    public ValueKind<T> Kind { get; }

    public T Default { get; }

    /// <summary>Shown instead of the default value when the default needs words ("runs/&lt;yyyyMMdd-HHmmss&gt;").</summary>
    public string? DefaultNote { get; init; }

    public override string? Range => Kind.Range;

    public override string DefaultText => MustBeGiven ? "required" : DefaultNote ?? Kind.Format(Default);
}
