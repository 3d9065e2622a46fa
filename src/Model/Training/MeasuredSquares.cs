namespace AttnRnnCluster.Model.Training;

/// <summary>
/// <see cref="SumOfSquares.OfQuotients"/> of a gradient sum by <paramref name="Divisor"/>, measured already by the pass
/// that wrote the sum (<see cref="GradientSum"/>), so that <see cref="UpdateRule"/> need not read the sum once more for
/// the norm. Used only when its divisor is the step's item count.
/// </summary>
public readonly record struct MeasuredSquares(float Divisor, double SumOfSquares);
