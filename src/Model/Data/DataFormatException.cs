namespace AttnRnnCluster.Model.Data;

/// <summary>
/// A data file (or a vocabulary) that cannot be used as given. The message names the file, the line when
/// there is one, and what was expected, so an executable can print it as is and exit non-zero.
/// </summary>
public sealed class DataFormatException : Exception
{
    public DataFormatException(string file, long? line, string problem, Exception? inner = null)
        : base(line is { } l ? $"{file}:{l}: {problem}" : $"{file}: {problem}", inner)
    {
        File = file;
        Line = line;
        Problem = problem;
    }

    /// <summary>The file as the user named it.</summary>
    public string File { get; }
    /// <summary>1-based line, or null when the problem concerns the whole file.</summary>
    public long? Line { get; }
    /// <summary>What is wrong and what was expected, without the file and line.</summary>
    public string Problem { get; }
}
