using System.Numerics;
using AttnRnnCluster.Model.Data;

namespace AttnRnnCluster.Model.Network.Fast;

/// <summary>
/// One sequence through the network and back: the forward recurrence, the output rows the loss reads, and the
/// exact backward pass through time, adding the sequence's gradient to running sums. Every buffer is
/// allocated once for up to <see cref="Capacity"/> steps and reused for each sequence; whatever a buffer held
/// before is either overwritten or cleared before it is read, so a result never depends on an earlier one.
/// Padding never enters: a sequence is run for its real steps only (all steps, with zero inputs, when every
/// output is asked for), and attention rows end in zero weights up to a whole vector.
/// </summary>
internal sealed class SequencePass<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly PaddedSizes _sizes;
    private readonly int _d, _h, _hp, _o, _op, _tp;
    private readonly bool _attention, _tokens;

    private readonly T[] _inputs;        // x_t: [T, D]
    private readonly T[] _inputsT;       // x transposed, [D, Tp]: attention weighs one input dimension across steps
    private readonly int[] _tokenIds;    // token id of each real step (token input)
    private readonly T[] _states;        // h_t: [T, Hp]
    private readonly T[] _recurrentIn;   // u_t = h_{t-1} + W_v c_t: [T, Hp]
    private readonly T[] _contexts;      // c_t: [T, D]
    private readonly T[] _keysT;         // k_j = W_a h_j transposed: [D, Tp]
    private readonly T[] _attentionWeights; // alpha_t over j < t: [T, Tp]
    private readonly T[] _outputs;       // y_t: [T, Op]
    private readonly T[] _outputGrads;   // dL/dy_t: [T, Op]
    private readonly T[] _headGrads;     // dL/dh_t through y_t: [T, Hp]
    private readonly T[] _preGrads;      // dL/d(W_hh u_t + W_xh x_t + b_h): [T, Hp]
    private readonly T[] _recurrentInGrads; // dL/du_t: [T, Hp]
    private readonly T[] _keyGradsT;     // dL/dk_j: [D, Tp]
    private readonly T[] _valueGradsT;   // dL/dx_j through the contexts that read x_j: [D, Tp]
    private readonly T[] _stateGrad;     // dL/dh_t: [Hp]
    private readonly T[] _scoreGrads;    // dL/dalpha_t, then dL/ds_t: [Tp]
    private readonly T[] _contextGrad;   // dL/dc_t: [D]
    private readonly T[] _queryGrad;     // dL/dx_t through its own scores: [D]
    private readonly T[] _keyGrad;       // k_t, or dL/dk_t gathered from its column: [D]
    private readonly T[] _inputGrad;     // dL/dx_t through W_xh: [D]

    public SequencePass(ModelConfig config, PaddedSizes sizes, int capacity)
    {
        _sizes = sizes;
        Capacity = capacity;
        _d = config.InputWidth;
        _h = config.Hidden;
        _hp = sizes.Hidden;
        _o = config.OutputWidth;
        _op = sizes.Outputs;
        _tp = sizes.Steps(capacity);
        _attention = config.Attention;
        _tokens = config.Input == InputKind.Tokens;
        int steps = capacity;
        _inputs = new T[steps * _d];
        _inputsT = new T[_d * _tp];
        _tokenIds = new int[steps];
        _states = new T[steps * _hp];
        _recurrentIn = new T[steps * _hp];
        _outputs = new T[steps * _op];
        _outputGrads = new T[steps * _op];
        _headGrads = new T[steps * _hp];
        _preGrads = new T[steps * _hp];
        _recurrentInGrads = new T[steps * _hp];
        _stateGrad = new T[_hp];
        int attended = _attention ? 1 : 0;
        _contexts = new T[attended * steps * _d];
        _keysT = new T[attended * _d * _tp];
        _attentionWeights = new T[attended * steps * _tp];
        _keyGradsT = new T[attended * _d * _tp];
        _valueGradsT = new T[attended * _d * _tp];
        _scoreGrads = new T[attended * _tp];
        _contextGrad = new T[_d];
        _queryGrad = new T[_d];
        _keyGrad = new T[_d];
        _inputGrad = new T[_d];
    }

    /// <summary>The most steps a sequence may have.</summary>
    public int Capacity { get; }

    /// <summary>Takes sequence <paramref name="sequence"/>'s first <paramref name="steps"/> inputs (embedded; zero at padding).</summary>
    public void Load(FastWeights<T> weights, Batch batch, int sequence, int steps)
    {
        int length = batch.Lengths[sequence];
        Array.Clear(_inputsT);
        for (int t = 0; t < steps; t++)
        {
            var x = Row(_inputs, t, _d);
            if (t >= length)
                x.Clear();
            else if (_tokens)
            {
                int id = (int)batch.Tokens![sequence * batch.Steps + t];
                _tokenIds[t] = id;
                weights.Parameters.Embedding.AsSpan(id * _d, _d).CopyTo(x);
            }
            else
            {
                var features = batch.Features.AsSpan((sequence * batch.Steps + t) * _d, _d);
                for (int k = 0; k < _d; k++) x[k] = T.CreateTruncating(features[k]);
            }
            for (int k = 0; k < _d; k++) _inputsT[k * _tp + t] = x[k];
        }
    }

    /// <summary>h_t for t below <paramref name="steps"/>.</summary>
    public void Forward(FastWeights<T> weights, int steps)
    {
        var p = weights.Parameters;
        Array.Clear(_keysT);
        // The part that depends on the inputs alone, W_xh x_t + b_h, for every step at once.
        for (int t = 0; t < steps; t++) p.Bias.CopyTo(Row(_states, t, _hp));
        Kernels<T>.AddProduct(_states.AsSpan(0, steps * _hp), steps, _inputs, 1, _d, p.InputT, _d);
        for (int t = 0; t < steps; t++)
        {
            var u = Row(_recurrentIn, t, _hp);
            var h = Row(_states, t, _hp);
            if (t == 0)
            {
                u.Clear();
            }
            else
            {
                Row(_states, t - 1, _hp).CopyTo(u);
                if (_attention) Attend(p, t, u);
                Kernels<T>.AddRowTimesMatrix(u[.._h], weights.RecurrentT, _hp, h);
            }
            Kernels<T>.Tanh(h);
        }
    }

    /// <summary>y_t = W_hy h_t + b_y for t from <paramref name="first"/> below <paramref name="steps"/>, after <see cref="Forward"/>.</summary>
    public void Outputs(FastWeights<T> weights, int first, int steps)
    {
        for (int t = first; t < steps; t++) weights.Parameters.HeadBias.CopyTo(Row(_outputs, t, _op));
        Kernels<T>.AddProduct(_outputs.AsSpan(first * _op, (steps - first) * _op), steps - first,
            _states.AsSpan(first * _hp), 1, _hp, weights.HeadT, _h);
    }

    /// <summary>y_t as computed by <see cref="Outputs"/>: a row of Op values, the first O real.</summary>
    public Span<T> Output(int t) => Row(_outputs, t, _op);

    /// <summary>Where the loss puts dL/dy_t: a row of Op values, cleared.</summary>
    public Span<T> OutputGradient(int t)
    {
        var row = Row(_outputGrads, t, _op);
        row.Clear();
        return row;
    }

    /// <summary>
    /// Back through time from the last of <paramref name="steps"/>, with dL/dy_t set (by <see cref="OutputGradient"/>)
    /// for t from <paramref name="firstLoss"/> on; adds the sequence's parameter gradients to <paramref name="sums"/>.
    /// </summary>
    public void Backward(FastWeights<T> weights, int steps, int firstLoss, FastParameters<T> sums)
    {
        var p = weights.Parameters;
        if (_attention)
        {
            Array.Clear(_keyGradsT);
            Array.Clear(_valueGradsT);
        }
        int scored = steps - firstLoss;
        var headGrads = _headGrads.AsSpan(firstLoss * _hp, scored * _hp);
        headGrads.Clear();
        Kernels<T>.AddProduct(headGrads, scored, _outputGrads.AsSpan(firstLoss * _op), 1, _op, p.Head, _o);
        var dh = _stateGrad.AsSpan();
        for (int t = steps - 1; t >= 0; t--)
        {
            if (t == steps - 1) dh.Clear();
            else Row(_recurrentInGrads, t + 1, _hp).CopyTo(dh);          // u_{t+1} = h_t + W_v c_{t+1}
            if (t >= firstLoss) Kernels<T>.Add(dh, Row(_headGrads, t, _hp));
            if (_attention && t < steps - 1)
            {
                // k_t is complete: every later step that scored against it has been through.
                for (int k = 0; k < _d; k++) _keyGrad[k] = _keyGradsT[k * _tp + t];
                Kernels<T>.AddRowTimesMatrix(_keyGrad, p.Score, _hp, dh);
            }
            var pre = Row(_preGrads, t, _hp);
            dh.CopyTo(pre);
            Kernels<T>.MultiplyByTanhDerivative(pre, Row(_states, t, _hp));
            if (t >= 1)
            {
                var du = Row(_recurrentInGrads, t, _hp);
                du.Clear();
                Kernels<T>.AddRowTimesMatrix(pre[.._h], p.Recurrent, _hp, du);
                if (_attention) AttendBackward(p, t, du);
            }
            if (_tokens) AddEmbeddingGradient(p, t, sums);
        }
        AddWeightGradients(steps, firstLoss, sums);
    }

    /// <summary>Adds W_v c_t to <paramref name="u"/>: keys, scores, softmax and context of step t &gt;= 1.</summary>
    private void Attend(FastParameters<T> p, int t, Span<T> u)
    {
        var previous = Row(_states, t - 1, _hp);
        Kernels<T>.MultiplyRows(p.Score, _hp, previous, _keyGrad);   // k_{t-1} = W_a h_{t-1}, through a D-wide scratch row
        for (int k = 0; k < _d; k++) _keysT[k * _tp + t - 1] = _keyGrad[k];
        // s_{t,j} = x_t . k_j for j < t, over whole vectors: the keys past t-1 are still zero, and the softmax masks them.
        int width = _sizes.Steps(t);
        var alpha = _attentionWeights.AsSpan(t * _tp, width);
        alpha.Clear();
        var x = Row(_inputs, t, _d);
        Kernels<T>.AddRowTimesMatrix(x, _keysT, _tp, alpha);
        Kernels<T>.Softmax(alpha, t);
        var c = Row(_contexts, t, _d);
        Kernels<T>.MultiplyRows(_inputsT, _tp, alpha, c);
        Kernels<T>.AddRowTimesMatrix(c, p.ValueT, _hp, u);
    }

    /// <summary>From dL/du_t to dL/dc_t, through the softmax to the scores, and on to the keys and inputs of step t's attention.</summary>
    private void AttendBackward(FastParameters<T> p, int t, ReadOnlySpan<T> du)
    {
        Kernels<T>.MultiplyRows(p.ValueT, _hp, du, _contextGrad);
        int width = _sizes.Steps(t);
        var alpha = _attentionWeights.AsSpan(t * _tp, width);
        var ds = _scoreGrads.AsSpan(0, width);
        ds.Clear();
        Kernels<T>.AddRowTimesMatrix(_contextGrad, _inputsT, _tp, ds);      // dL/dalpha_j = dc . x_j
        Kernels<T>.SoftmaxBackward(ds, alpha);
        var x = Row(_inputs, t, _d);
        Kernels<T>.AddOuter(_keyGradsT, _tp, x, ds);
        if (!_tokens) return;
        Kernels<T>.AddOuter(_valueGradsT, _tp, _contextGrad, alpha);
        Kernels<T>.MultiplyRows(_keysT, _tp, ds, _queryGrad);
    }

    /// <summary>dL/dx_t (through W_xh, its own scores, and the later contexts that read it) added to E's row for its token.</summary>
    private void AddEmbeddingGradient(FastParameters<T> p, int t, FastParameters<T> sums)
    {
        var pre = Row(_preGrads, t, _hp);
        var row = sums.Embedding.AsSpan(_tokenIds[t] * _d, _d);
        Kernels<T>.MultiplyRows(p.InputT, _hp, pre, _inputGrad);
        for (int k = 0; k < _d; k++)
        {
            T g = _inputGrad[k];
            if (_attention)
            {
                g += _valueGradsT[k * _tp + t];
                if (t >= 1) g += _queryGrad[k];
            }
            row[k] += g;
        }
    }

    /// <summary>The weight gradients, each a sum over the sequence's steps of an outer product.</summary>
    private void AddWeightGradients(int steps, int firstLoss, FastParameters<T> sums)
    {
        int later = steps - 1;   // steps with a recurrent input (t >= 1)
        Kernels<T>.AddProduct(sums.Recurrent.AsSpan(0, _h * _hp), _h, _preGrads.AsSpan(_hp), _hp, 1, _recurrentIn.AsSpan(_hp), later);
        Kernels<T>.AddProduct(sums.InputT, _d, _inputs, _d, 1, _preGrads, steps);
        for (int t = 0; t < steps; t++) Kernels<T>.Add(sums.Bias, Row(_preGrads, t, _hp));
        if (_attention)
        {
            // Keys exist for the states h_0 .. h_{steps-2}; contexts for the steps 1 .. steps-1.
            Kernels<T>.AddProduct(sums.Score, _d, _keyGradsT, 1, _tp, _states, later);
            Kernels<T>.AddProduct(sums.ValueT, _d, _contexts.AsSpan(_d), _d, 1, _recurrentInGrads.AsSpan(_hp), later);
        }
        int scored = steps - firstLoss;
        Kernels<T>.AddProduct(sums.Head, _o, _outputGrads.AsSpan(firstLoss * _op), _op, 1, _states.AsSpan(firstLoss * _hp), scored);
        for (int t = firstLoss; t < steps; t++) Kernels<T>.Add(sums.HeadBias, Row(_outputGrads, t, _op));
    }

    private static Span<T> Row(T[] matrix, int row, int width) => matrix.AsSpan(row * width, width);
}
