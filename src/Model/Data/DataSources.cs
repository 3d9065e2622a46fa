namespace AttnRnnCluster.Model.Data;

/// <summary>Builds the data source that <see cref="DataSettings"/> describe.</summary>
public static class DataSources
{
    public static readonly IReadOnlyList<string> Tasks = ["adding", "text", "jsonl"];

    /// <param name="vocabulary">A checkpoint's vocabulary when resuming or sampling a text model; null otherwise.</param>
    /// <exception cref="ArgumentException">A setting that does not fit the task (names the setting).</exception>
    /// <exception cref="DataFormatException">A data file that cannot be used (names the file and line).</exception>
    public static IDataSource Create(DataSettings settings, CharVocabulary? vocabulary = null)
    {
        switch (settings.Task)
        {
            case "adding":
                Reject(settings.DataFile, nameof(settings.DataFile), "adding generates its own sequences");
                Reject(settings.EvalFile, nameof(settings.EvalFile), "adding generates its own held-out set");
                RejectClasses(settings);
                RejectVocabulary(vocabulary, settings.Task);
                return new AddingSource(settings.SequenceLength, settings.Seed, settings.HeldOutSize);
            case "text":
                RejectClasses(settings);
                return new TextSource(Required(settings.DataFile, nameof(settings.DataFile), settings.Task), settings.SequenceLength,
                    settings.Seed, settings.HeldOutSize, vocabulary, settings.EvalFile);
            case "jsonl":
                RejectVocabulary(vocabulary, settings.Task);
                return new JsonlSource(Required(settings.DataFile, nameof(settings.DataFile), settings.Task), settings.EvalFile,
                    settings.Classes, settings.Seed, settings.HeldOutSize);
            default:
                throw new ArgumentException($"unknown task \"{settings.Task}\"; expected one of {string.Join(", ", Tasks)}", nameof(settings.Task));
        }
    }

    private static string Required(string? file, string setting, string task) =>
        file ?? throw new ArgumentException($"the {task} task needs a data file", setting);

    private static void RejectClasses(DataSettings settings)
    {
        if (settings.Classes != 0) throw new ArgumentException($"only jsonl takes a number of classes (got {settings.Classes} for {settings.Task})", nameof(settings.Classes));
    }

    private static void Reject(string? file, string setting, string why)
    {
        if (file != null) throw new ArgumentException($"{why}; remove the {setting} setting \"{file}\"", setting);
    }

    private static void RejectVocabulary(CharVocabulary? vocabulary, string task)
    {
        if (vocabulary != null) throw new ArgumentException($"a vocabulary applies to the text task only, not {task}", nameof(vocabulary));
    }
}
