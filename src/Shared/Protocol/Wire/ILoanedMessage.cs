namespace AttnRnnCluster.Protocol.Wire;

/// <summary>
/// A message that may carry its values in a buffer on loan (<see cref="Loan"/>): whoever delivers it to a reader that
/// reads it later adds that reader to the loan first; anything that would read it after the send (a serializer on
/// another thread, a retry) takes <see cref="WithOwnBuffer"/> instead.
/// </summary>
public interface ILoanedMessage
{
    /// <summary>The loan of the buffer the values live in; null when the message owns them.</summary>
    BufferLoan? Loan { get; }

    /// <summary>The same message with a copy of the values that it owns (no loan).</summary>
    object WithOwnBuffer();
}
