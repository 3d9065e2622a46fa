using Streams = AttnRnnCluster.Model.DeterministicRandom.Streams;

namespace AttnRnnCluster.Model.Data;

/// <summary>
/// Character-level language modelling on a UTF-8 text file. Without a held-out file, the first 90% of its
/// characters (rounded down) train and the rest validate; with one, the whole file trains and the held-out file
/// validates (its characters must be in the training file's vocabulary). A training batch is B windows of T+1
/// characters at random starts inside the training part: inputs are characters [0, T), targets characters
/// [1, T+1). The held-out set is evenly spaced windows of the validation text: all consecutive ones (every
/// validation character after the first is predicted exactly once) when they number at most the held-out size,
/// else that many spread evenly.
/// </summary>
public sealed class TextSource : IDataSource
{
    /// <summary>The shortest window: one character in, the next one as its target.</summary>
    public const int MinimumSteps = 1;

    private const int TrainingTenths = 9;
    private readonly int[] _tokens;
    private readonly int _steps;
    private readonly ulong _seed;

    /// <param name="vocabulary">The characters of a checkpoint being resumed or sampled from; null to take the file's own.</param>
    /// <param name="heldOutPath">A separate held-out text; null to validate on the last 10% of <paramref name="path"/>.</param>
    public TextSource(string path, int steps, ulong seed, int heldOutWindows = 1000, CharVocabulary? vocabulary = null, string? heldOutPath = null)
    {
        if (steps < MinimumSteps) throw new ArgumentOutOfRangeException(nameof(steps), $"the window length T must be >= {MinimumSteps}, got {steps}");
        if (heldOutWindows < 0) throw new ArgumentOutOfRangeException(nameof(heldOutWindows), $"the held-out size must be >= 0, got {heldOutWindows}");
        _steps = steps;
        _seed = seed;
        int[] codePoints = DataFile.ReadCodePoints(path);
        Vocabulary = vocabulary ?? CharVocabulary.FromCodePoints(codePoints);
        string vocabularyOrigin = vocabulary is null ? $"of {path}, the training text" : "this model was trained with";
        _tokens = Encode(codePoints, Vocabulary, path, vocabularyOrigin);
        int[] validation;
        int validationStart;
        if (heldOutPath is null)
        {
            TrainingLength = (int)(_tokens.LongLength * TrainingTenths / 10);
            ValidationLength = _tokens.Length - TrainingLength;
            if (TrainingLength < steps + 1 || ValidationLength < steps + 1)
                throw new DataFormatException(path, null,
                    $"the text has {_tokens.Length} characters: its training part (first 90%, {TrainingLength}) and validation part ({ValidationLength}) " +
                    $"each need at least T+1 = {steps + 1} characters for one window; use a longer text or a shorter sequence length");
            (validation, validationStart) = (_tokens, TrainingLength);
        }
        else
        {
            TrainingLength = _tokens.Length;
            if (TrainingLength < steps + 1)
                throw new DataFormatException(path, null,
                    $"the text has {TrainingLength} characters; training needs at least T+1 = {steps + 1} for one window; use a longer text or a shorter sequence length");
            validation = Encode(DataFile.ReadCodePoints(heldOutPath), Vocabulary, heldOutPath, vocabularyOrigin);
            ValidationLength = validation.Length;
            if (ValidationLength < steps + 1)
                throw new DataFormatException(heldOutPath, null,
                    $"the held-out text has {ValidationLength} characters; it needs at least T+1 = {steps + 1} for one window; use a longer text or a shorter sequence length");
            validationStart = 0;
        }
        HeldOut = heldOutWindows > 0 ? ValidationWindows(validation, validationStart, heldOutWindows) : null;
        string parts = heldOutPath is null
            ? $"training {TrainingLength} / validation {ValidationLength}"
            : $"training {TrainingLength} (all of it) / validation {heldOutPath}, {ValidationLength} characters";
        Description = $"text {path}: {_tokens.Length} characters, vocabulary {Vocabulary.Count}, {parts}, " +
                      $"windows of T={steps}, held-out {HeldOut?.Count ?? 0} windows, seed {seed}";
    }

    public string Name => "text";
    public InputKind Input => InputKind.Tokens;
    public int InputWidth => 0;
    public TargetKind Target => TargetKind.NextToken;
    public int OutputWidth => Vocabulary.Count;
    public CharVocabulary Vocabulary { get; }
    CharVocabulary? IDataSource.Vocabulary => Vocabulary;
    public Batch? HeldOut { get; }
    public string Description { get; }

    /// <summary>Characters in the training part: the first 90% of the file's characters, rounded down, or all of them with a held-out file.</summary>
    public int TrainingLength { get; }
    /// <summary>Characters in the validation text: the rest of the file, or the held-out file.</summary>
    public int ValidationLength { get; }

    public Batch TrainBatch(long step, int batchSize)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), $"step must be >= 0, got {step}");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batch size must be >= 1, got {batchSize}");
        var random = new DeterministicRandom(_seed, Streams.TrainBatch, (ulong)step);
        var starts = new int[batchSize];
        for (int b = 0; b < batchSize; b++) starts[b] = random.NextInt(TrainingLength - _steps);
        return Windows(_tokens, starts);
    }

    /// <summary>Windows of the validation text, which is <paramref name="tokens"/> from <paramref name="start"/> on.</summary>
    private Batch ValidationWindows(int[] tokens, int start, int most)
    {
        int lastStart = ValidationLength - _steps - 1;
        int consecutive = lastStart / _steps + 1;
        int count = Math.Min(consecutive, most);
        var starts = new int[count];
        for (int k = 0; k < count; k++)
            starts[k] = start + (count == consecutive ? k * _steps : (int)((long)k * lastStart / Math.Max(count - 1, 1)));
        return Windows(tokens, starts);
    }

    private Batch Windows(int[] tokens, int[] starts)
    {
        var inputs = new long[starts.Length * _steps];
        var targets = new long[starts.Length * _steps];
        var lengths = new int[starts.Length];
        for (int b = 0; b < starts.Length; b++)
        {
            for (int t = 0; t < _steps; t++)
            {
                inputs[b * _steps + t] = tokens[starts[b] + t];
                targets[b * _steps + t] = tokens[starts[b] + t + 1];
            }
            lengths[b] = _steps;
        }
        return new Batch(starts.Length, _steps, 0, 1, lengths, tokens: inputs, tokenTargets: targets);
    }

    /// <param name="vocabularyOrigin">Where the vocabulary comes from, for the error: "this model was trained with", or the training text.</param>
    private static int[] Encode(int[] codePoints, CharVocabulary vocabulary, string path, string vocabularyOrigin)
    {
        var tokens = new int[codePoints.Length];
        for (int i = 0; i < codePoints.Length; i++)
            if (!vocabulary.TryGetId(codePoints[i], out tokens[i]))
                throw OutsideVocabulary(codePoints, i, vocabulary.Count, path, vocabularyOrigin);
        return tokens;
    }

    private static DataFormatException OutsideVocabulary(int[] codePoints, int index, int vocabularySize, string path, string vocabularyOrigin)
    {
        int line = 1, column = 1;
        for (int i = 0; i < index; i++)
        {
            if (codePoints[i] == '\n') { line++; column = 1; }
            else column++;
        }
        return new DataFormatException(path, line,
            $"column {column}: the character '{char.ConvertFromUtf32(codePoints[index])}' (U+{codePoints[index]:X4}) is not in the vocabulary " +
            $"of {vocabularySize} characters {vocabularyOrigin}");
    }
}
