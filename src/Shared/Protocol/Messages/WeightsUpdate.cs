using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// Coordinator → worker: the weights after <paramref name="Version"/> optimizer steps, travelling in
/// <paramref name="Precision"/>. With bf16 the coordinator has already rounded the values
/// (<see cref="BFloat16.Round"/>): the encoding loses nothing, and a worker in the coordinator's own process (which
/// gets this instance, never encoded) computes on the same values as a remote one. A step's broadcast carries its
/// values in a recycled buffer on <see cref="Loan"/>: a reader releases it once it has loaded them.
/// </summary>
public sealed record WeightsUpdate(long Version, ParameterBuffer Weights, WirePrecision Precision = WirePrecision.F32) : IProtocolMessage, ILoanedMessage
{
    /// <summary>Set when <see cref="ParameterBuffer.Values"/> is a recycled buffer; never encoded (a decoded message owns its values).</summary>
    public BufferLoan? Loan { get; init; }

    public object WithOwnBuffer() => this with { Weights = Weights with { Values = (float[])Weights.Values.Clone() }, Loan = null };
}
