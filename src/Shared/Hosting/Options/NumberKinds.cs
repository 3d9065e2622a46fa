using System.Globalization;

namespace AttnRnnCluster.Hosting.Options;

/// <summary>A whole number in [Min, Max]; <see cref="Also"/> is one more valid value below Min.</summary>
public sealed record IntegerKind(int Min, int Max) : ValueKind<int>("N")
{
    /// <summary>A value valid besides [Min, Max], e.g. 0 (regression) for the classes, whose other values start at 2.</summary>
    public int? Also { get; init; }

    public override string Range => Also is { } also ? $"{also} or {Min}..{Max}" : $"{Min}..{Max}";

    public override Parsed<int> Parse(string text) =>
        int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) && (n >= Min && n <= Max || n == Also)
            ? Parsed<int>.Ok(n)
            : Parsed<int>.Fail($"expected {(Also is { } also ? $"{also} or " : "")}an integer in {Min}..{Max}, got {Quote(text)}");
}

/// <summary>A seed: any whole number from 0 up to the largest signed 64-bit one (what every tool around can write).</summary>
public sealed record SeedKind() : ValueKind<ulong>("N")
{
    public override string Range => $"0..{long.MaxValue}";

    public override Parsed<ulong> Parse(string text) =>
        long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) && n >= 0
            ? Parsed<ulong>.Ok((ulong)n)
            : Parsed<ulong>.Fail($"expected an integer in {Range}, got {Quote(text)}");
}

/// <summary>A finite real number in [Min, Max], or (Min, Max] when <see cref="MinExclusive"/>.</summary>
public sealed record NumberKind(double Min, double Max, bool MinExclusive = false) : ValueKind<double>("X")
{
    public override string Range
    {
        get
        {
            string min = Min.ToString("R", CultureInfo.InvariantCulture), max = Max.ToString("R", CultureInfo.InvariantCulture);
            string lower = MinExclusive ? $"> {min}" : $">= {min}";
            return double.IsPositiveInfinity(Max) ? lower : MinExclusive ? $"{lower} and <= {max}" : $"{min}..{max}";
        }
    }

    public override Parsed<double> Parse(string text)
    {
        bool ok = double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
                  && double.IsFinite(x) && (MinExclusive ? x > Min : x >= Min) && x <= Max;
        return ok ? Parsed<double>.Ok(x) : Parsed<double>.Fail($"expected {Expected}, got {Quote(text)}");
    }

    private string Expected => double.IsPositiveInfinity(Max) || MinExclusive ? $"a number {Range}" : $"a number in {Range}";
}

/// <summary>A duration given in seconds (fractions allowed), more than 0 and at most a week.</summary>
public sealed record SecondsKind() : ValueKind<TimeSpan>("SECONDS")
{
    private static readonly NumberKind Seconds = new(0, 7 * 24 * 3600, MinExclusive: true);

    public override string Range => Seconds.Range;

    public override Parsed<TimeSpan> Parse(string text)
    {
        var seconds = Seconds.Parse(text);
        return seconds.Error is null ? Parsed<TimeSpan>.Ok(TimeSpan.FromSeconds(seconds.Value)) : Parsed<TimeSpan>.Fail(seconds.Error);
    }

    public override string Format(TimeSpan value) => Seconds.Format(value.TotalSeconds);
}
