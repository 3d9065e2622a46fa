namespace AttnRnnCluster.Hosting.Options;

/// <summary>Free non-empty text (a name, a prompt), taken as given: a prompt may be just a newline.</summary>
public sealed record TextKind(string TextForm) : ValueKind<string>(TextForm)
{
    public override Parsed<string> Parse(string text) =>
        text.Length > 0 ? Parsed<string>.Ok(text) : Parsed<string>.Fail("expected a non-empty value, got \"\"");

    public override string Format(string value) => Quote(value.Replace("\n", "\\n"));
}

/// <summary>A host name or IP address to bind or advertise.</summary>
public sealed record HostKind() : ValueKind<string>("HOST")
{
    public override Parsed<string> Parse(string text) =>
        Uri.CheckHostName(text.Trim()) != UriHostNameType.Unknown
            ? Parsed<string>.Ok(text.Trim())
            : Parsed<string>.Fail($"expected a host name or IP address, got {Quote(text)}");

    public override string Format(string value) => value;
}

/// <summary>What a path option must point at when the options are read.</summary>
public enum PathRequirement
{
    /// <summary>Anything: the path is written later (run folder, log file).</summary>
    None,
    ExistingFile,
    ExistingFileOrDirectory,
}

/// <summary>A file system path; input files are checked at once so that a typo fails before any work starts.</summary>
public sealed record PathKind(string PathForm, PathRequirement Requirement) : ValueKind<string>(PathForm)
{
    public override Parsed<string> Parse(string text)
    {
        if (text.Trim().Length == 0) return Parsed<string>.Fail("expected a path, got \"\"");
        bool found = Requirement switch
        {
            PathRequirement.ExistingFile => File.Exists(text),
            PathRequirement.ExistingFileOrDirectory => File.Exists(text) || Directory.Exists(text),
            _ => true,
        };
        return found ? Parsed<string>.Ok(text)
            : Parsed<string>.Fail($"no such {(Requirement == PathRequirement.ExistingFile ? "file" : "file or directory")}: {Quote(text)} (full path {Path.GetFullPath(text)})");
    }

    public override string Format(string value) => value;
}
