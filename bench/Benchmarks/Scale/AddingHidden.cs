using AttnRnnCluster.Benchmarks.Figures;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Benchmarks.Scale;

/// <summary>
/// The hidden width H of the adding model (2 features in, 1 out, attention on: the coordinator's `--task adding`)
/// whose parameter count is closest to a given count, read from the model's own <see cref="ParameterLayout"/>
/// (H^2 + 8H + 1 today: H = 996 gives 999,985 for 1M, H = 3158 gives 9,998,229 for 10M).
/// </summary>
public static class AddingHidden
{
    /// <summary>The widest H searched: 100 million parameters, far above any row's size (and inside an int's count).</summary>
    public const int MaxHidden = 10_000;

    /// <summary>The H whose count is closest to <paramref name="parameters"/> (the smaller H on a tie), and that exact count.</summary>
    public static (int Hidden, int Parameters) Closest(int parameters)
    {
        if (parameters < 1 || parameters > Count(MaxHidden))
            throw new ArgumentOutOfRangeException(nameof(parameters), $"expected 1..{Count(MaxHidden)} parameters, got {parameters}");
        // The count grows with H: find the first H whose count reaches the target; it or the one before is the closest.
        int low = 1, high = MaxHidden;
        while (low < high)
        {
            int middle = (low + high) / 2;
            if (Count(middle) >= parameters) high = middle;
            else low = middle + 1;
        }
        int hidden = low > 1 && parameters - Count(low - 1) <= Count(low) - parameters ? low - 1 : low;
        return (hidden, Count(hidden));
    }

    public static int Count(int hidden) => ParameterLayout.For(AddingModel.Config(hidden)).TotalSize;
}
