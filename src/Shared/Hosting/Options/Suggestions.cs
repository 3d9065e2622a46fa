namespace AttnRnnCluster.Hosting.Options;

/// <summary>"Did you mean ...?" for a mistyped option name or choice.</summary>
public static class Suggestions
{
    /// <summary>The candidate nearest to <paramref name="word"/>, if it is near enough to be a likely typo or abbreviation.</summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            // A prefix either way ("micro" for "micro-batch", "embedding" for "embed") is as good as a one-letter typo.
            bool prefix = Math.Min(word.Length, candidate.Length) >= 3
                          && (candidate.StartsWith(word, StringComparison.Ordinal) || word.StartsWith(candidate, StringComparison.Ordinal));
            int distance = prefix ? 1 : EditDistance(word, candidate);
            if (distance < bestDistance) (best, bestDistance) = (candidate, distance);
        }
        return bestDistance <= Math.Max(2, word.Length / 3) ? best : null;
    }

    /// <summary>Levenshtein distance: the fewest single-character insertions, deletions and substitutions.</summary>
    public static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
