using System.Numerics;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network.Fast;
using static TorchSharp.torch;

namespace AttnRnnCluster.Model.Network.Batched;

/// <summary>
/// A group of sequences through the network and back together, time-major: step t of the group's B sequences is
/// the row block [t * B, (t + 1) * B) of every buffer, so each product with a weight matrix is one libtorch GEMM
/// over B rows (per step) or over every step at once (the input projection, the outputs, and the weight
/// gradients, each gathered over all steps into one large product at the end). The elementwise work and the
/// per-sequence attention run in C# over the same memory. Buffers are allocated once for up to
/// <see cref="Capacity"/> steps and reused; whatever a buffer held before is overwritten or cleared before it is
/// read, so a result never depends on an earlier one. Padding: inputs are zero there and dL/dy is zero there,
/// so with causal attention every backward quantity at a padded step is exactly zero, and nothing of the
/// padding reaches a real step or a gradient. One thread at a time.
/// </summary>
internal sealed class GroupPass<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ModelConfig _config;
    private readonly int _d, _h, _o, _op, _group;
    private readonly bool _attention, _tokens;
    private readonly NativeBuffer<T> _inputs, _states, _recurrentIn, _outputs, _outputGrads, _stateGrads, _recurrentInGrads;
    private readonly NativeBuffer<T>? _keys, _contexts, _keyGrads, _contextGrads, _inputGrads;
    private readonly CausalAttention<T>? _attend;
    private readonly T[] _lossRow, _lossGradient;
    private StepViews? _views;

    public GroupPass(ModelConfig config, int group, int capacity)
    {
        _config = config;
        _d = config.InputWidth;
        _h = config.Hidden;
        _o = config.OutputWidth;
        _op = PaddedSizes.For<T>(config).Outputs;
        _group = group;
        Capacity = capacity;
        _attention = config.Attention;
        _tokens = config.Input == InputKind.Tokens;
        long rows = (long)capacity * group;
        _inputs = new NativeBuffer<T>(rows * _d);
        _states = new NativeBuffer<T>(rows * _h);
        _recurrentIn = new NativeBuffer<T>(rows * _h);
        _outputs = new NativeBuffer<T>(rows * _o);
        _outputGrads = new NativeBuffer<T>(rows * _o);
        _stateGrads = new NativeBuffer<T>(rows * _h);
        _recurrentInGrads = new NativeBuffer<T>(rows * _h);
        if (_attention)
        {
            _keys = new NativeBuffer<T>(rows * _d);
            _contexts = new NativeBuffer<T>(rows * _d);
            _keyGrads = new NativeBuffer<T>(rows * _d);
            _contextGrads = new NativeBuffer<T>(rows * _d);
            _attend = new CausalAttention<T>(_d, group, capacity);
        }
        if (_tokens) _inputGrads = new NativeBuffer<T>(rows * _d);
        _lossRow = new T[_op];
        _lossGradient = new T[_op];
    }

    /// <summary>The most steps a group may have.</summary>
    public int Capacity { get; }

    /// <summary>
    /// Sequences [<paramref name="first"/>, +<paramref name="count"/>) of <paramref name="batch"/> forward for
    /// <paramref name="steps"/> steps, with their outputs; returns the summed loss of their scored steps and, when
    /// <paramref name="withGradient"/>, leaves dL/dy for <see cref="Backward"/>.
    /// </summary>
    public double Forward(BatchedWeights<T> weights, Batch batch, int first, int count, int steps, bool withGradient, bool withLoss = true)
    {
        var v = Views(count, steps);
        Load(weights, batch, first, count, steps);
        var p = weights.Parameters;
        v.AllStates.copy_(p.Bias);
        v.AllStates.addmm_(v.AllInputs, weights.InputT, 1, 1);                   // W_xh x_t + b_h for every step at once
        for (int t = 0; t < steps; t++)
        {
            if (t >= 1)
            {
                v.RecurrentIn[t].copy_(v.States[t - 1]);
                if (_attention)
                {
                    v.Keys![t - 1].addmm_(v.States[t - 1], weights.ScoreT!, 0, 1);    // k_{t-1} = W_a h_{t-1}
                    var inputs = _inputs.Rows(0, steps * count, _d);
                    var keys = _keys!.Rows(0, steps * count, _d);
                    var contexts = _contexts!.Rows(0, steps * count, _d);
                    for (int b = 0; b < count; b++) _attend!.Forward(count, t, b, inputs, keys, contexts);
                    v.RecurrentIn[t].addmm_(v.Contexts![t], weights.ValueT!, 1, 1);  // u_t = h_{t-1} + W_v c_t
                }
                v.States[t].addmm_(v.RecurrentIn[t], weights.RecurrentT, 1, 1);
            }
            RowKernels<T>.Tanh(_states.Rows(t * count, count, _h));
        }
        v.AllOutputs.copy_(p.HeadBias);
        v.AllOutputs.addmm_(v.AllStates, weights.HeadT, 1, 1);
        return withLoss ? Loss(batch, first, count, steps, withGradient) : 0;
    }

    /// <summary>y of sequence <paramref name="b"/> (of the group) at step <paramref name="t"/>, after <see cref="Forward"/>.</summary>
    public ReadOnlySpan<T> Output(int count, int t, int b) => _outputs.Rows(t * count + b, 1, _o);

    /// <summary>Back through time after <see cref="Forward"/> with gradients; writes the group's parameter gradient into <paramref name="gradient"/>.</summary>
    public void Backward(BatchedWeights<T> weights, Batch batch, int first, int count, int steps, ParameterTensors<T> gradient)
    {
        var v = Views(count, steps);
        var p = weights.Parameters;
        int rows = steps * count;
        v.AllStateGrads.addmm_(v.AllOutputGrads, p.Head, 0, 1);                 // dL/dh_t through y_t, every step at once
        if (_attention)
        {
            _keyGrads!.Clear();
            if (_tokens) _inputGrads!.Clear();
        }
        for (int t = steps - 1; t >= 0; t--)
        {
            if (t < steps - 1)
            {
                v.StateGrads[t].add_(v.RecurrentInGrads[t + 1]);                  // u_{t+1} = h_t + W_v c_{t+1}
                if (_attention) v.StateGrads[t].addmm_(v.KeyGrads![t], p.Score!, 1, 1);   // k_t = W_a h_t, complete now
            }
            RowKernels<T>.MultiplyByTanhDerivative(_stateGrads.Rows(t * count, count, _h), _states.Rows(t * count, count, _h));
            if (t == 0) continue;
            v.RecurrentInGrads[t].addmm_(v.StateGrads[t], p.Recurrent, 0, 1);
            if (!_attention) continue;
            v.ContextGrads![t].addmm_(v.RecurrentInGrads[t], p.Value!, 0, 1);
            var inputs = _inputs.Rows(0, rows, _d);
            var keys = _keys!.Rows(0, rows, _d);
            var contextGrads = _contextGrads!.Rows(0, rows, _d);
            var keyGrads = _keyGrads!.Rows(0, rows, _d);
            var inputGrads = _tokens ? _inputGrads!.Rows(0, rows, _d) : Span<T>.Empty;
            for (int b = 0; b < count; b++) _attend!.Backward(count, t, b, inputs, keys, contextGrads, keyGrads, inputGrads);
        }
        WeightGradients(weights, batch, first, count, steps, gradient, v);
    }

    public void Dispose()
    {
        _views?.Dispose();
        foreach (var buffer in new[] { _inputs, _states, _recurrentIn, _outputs, _outputGrads, _stateGrads, _recurrentInGrads, _keys, _contexts, _keyGrads, _contextGrads, _inputGrads })
            buffer?.Dispose();
    }

    /// <summary>Every weight gradient as one GEMM over all steps (the dL/dpre rows are in the state-gradient buffer now).</summary>
    private void WeightGradients(BatchedWeights<T> weights, Batch batch, int first, int count, int steps, ParameterTensors<T> g, StepViews v)
    {
        int rows = steps * count;
        // Steps with a recurrent input are 1..steps-1; keys exist for the states 0..steps-2.
        if (steps >= 2)
        {
            using var preGradsT = v.LaterStateGrads!.t();
            g.Recurrent.addmm_(preGradsT, v.LaterRecurrentIn!, 0, 1);
            if (_attention)
            {
                using var keyGradsT = v.EarlierKeyGrads!.t();
                g.Score!.addmm_(keyGradsT, v.EarlierStates!, 0, 1);
                using var recurrentInGradsT = v.LaterRecurrentInGrads!.t();
                g.Value!.addmm_(recurrentInGradsT, v.LaterContexts!, 0, 1);
            }
        }
        else
        {
            g.Recurrent.zero_();
            g.Score?.zero_();
            g.Value?.zero_();
        }
        using (var allPreGradsT = v.AllStateGrads.t()) g.Input.addmm_(allPreGradsT, v.AllInputs, 0, 1);
        RowKernels<T>.ColumnSums(_stateGrads.Rows(0, rows, _h), g.Values("cell.b_h"));
        using (var outputGradsT = v.AllOutputGrads.t()) g.Head.addmm_(outputGradsT, v.AllStates, 0, 1);
        RowKernels<T>.ColumnSums(_outputGrads.Rows(0, rows, _o), g.Values("head.bias"));
        if (_tokens) EmbeddingGradient(weights, batch, first, count, steps, g, v);
    }

    /// <summary>dL/dx_t (through W_xh, and attention's scores and contexts) added to E's row for each real token, sequence by sequence, in time order.</summary>
    private void EmbeddingGradient(BatchedWeights<T> weights, Batch batch, int first, int count, int steps, ParameterTensors<T> g, StepViews v)
    {
        var inputGrads = _inputGrads!;
        v.AllInputGrads!.addmm_(v.AllStateGrads, weights.Parameters.Input, _attention ? 1 : 0, 1);
        var embedding = g.Values("embedding.weight");
        embedding.Clear();
        for (int b = 0; b < count; b++)
        {
            int sequence = first + b, length = batch.Lengths[sequence];
            for (int t = 0; t < Math.Min(length, steps); t++)
            {
                int id = (int)batch.Tokens![sequence * batch.Steps + t];
                RowKernels<T>.Add(embedding.Slice(id * _d, _d), inputGrads.Rows(t * count + b, 1, _d));
            }
        }
    }

    /// <summary>x_t of the group's sequences, time-major: embedded tokens or features at real steps, zeros at padding.</summary>
    private void Load(BatchedWeights<T> weights, Batch batch, int first, int count, int steps)
    {
        var embedding = _tokens ? weights.Parameters.Values("embedding.weight") : Span<T>.Empty;
        for (int t = 0; t < steps; t++)
        for (int b = 0; b < count; b++)
        {
            int sequence = first + b;
            var x = _inputs.Rows(t * count + b, 1, _d);
            if (t >= batch.Lengths[sequence])
                x.Clear();
            else if (_tokens)
                embedding.Slice((int)batch.Tokens![sequence * batch.Steps + t] * _d, _d).CopyTo(x);
            else
            {
                var features = batch.Features.AsSpan((sequence * batch.Steps + t) * _d, _d);
                for (int k = 0; k < _d; k++) x[k] = T.CreateTruncating(features[k]);
            }
        }
    }

    /// <summary>The summed loss of the scored steps (every real step for next tokens, else the last real one); dL/dy there, zero elsewhere.</summary>
    private double Loss(Batch batch, int first, int count, int steps, bool withGradient)
    {
        if (withGradient) _outputGrads.Rows(0, steps * count, _o).Clear();
        double lossSum = 0;
        for (int b = 0; b < count; b++)
        {
            int sequence = first + b, length = batch.Lengths[sequence];
            int firstLoss = _config.Target == TargetKind.NextToken ? 0 : length - 1;
            for (int t = firstLoss; t < length; t++)
            {
                int row = t * count + b;
                _outputs.Rows(row, 1, _o).CopyTo(_lossRow);
                var gradient = withGradient ? _lossGradient.AsSpan() : Span<T>.Empty;
                lossSum += OutputLoss<T>.Of(_config, _lossRow, batch, sequence, t, gradient);
                if (withGradient) _lossGradient.AsSpan(0, _o).CopyTo(_outputGrads.Rows(row, 1, _o));
            }
        }
        return lossSum;
    }

    private StepViews Views(int count, int steps)
    {
        if (count > _group || steps > Capacity)
            throw new ArgumentException($"a group of {count} sequences of {steps} steps does not fit buffers for {_group} of {Capacity} (an engine bug)");
        if (_views is { } cached && cached.Count == count && cached.Steps == steps) return cached;
        _views?.Dispose();
        _views = new StepViews(this, count, steps);
        return _views;
    }

    /// <summary>The tensor views a pass of <see cref="Count"/> sequences and <see cref="Steps"/> steps multiplies with, made once per shape.</summary>
    private sealed class StepViews : IDisposable
    {
        private readonly List<Tensor> _all = [];

        public StepViews(GroupPass<T> pass, int count, int steps)
        {
            Count = count;
            Steps = steps;
            int rows = steps * count, later = (steps - 1) * count;
            AllInputs = Keep(pass._inputs.Matrix(0, rows, pass._d));
            AllStates = Keep(pass._states.Matrix(0, rows, pass._h));
            AllOutputs = Keep(pass._outputs.Matrix(0, rows, pass._o));
            AllOutputGrads = Keep(pass._outputGrads.Matrix(0, rows, pass._o));
            AllStateGrads = Keep(pass._stateGrads.Matrix(0, rows, pass._h));
            States = PerStep(pass._states, pass._h);
            RecurrentIn = PerStep(pass._recurrentIn, pass._h);
            StateGrads = PerStep(pass._stateGrads, pass._h);
            RecurrentInGrads = PerStep(pass._recurrentInGrads, pass._h);
            if (steps >= 2)
            {
                LaterStateGrads = Keep(pass._stateGrads.Matrix(count, later, pass._h));
                LaterRecurrentIn = Keep(pass._recurrentIn.Matrix(count, later, pass._h));
            }
            if (pass._attention)
            {
                Keys = PerStep(pass._keys!, pass._d);
                Contexts = PerStep(pass._contexts!, pass._d);
                KeyGrads = PerStep(pass._keyGrads!, pass._d);
                ContextGrads = PerStep(pass._contextGrads!, pass._d);
                if (steps >= 2)
                {
                    EarlierKeyGrads = Keep(pass._keyGrads!.Matrix(0, later, pass._d));
                    EarlierStates = Keep(pass._states.Matrix(0, later, pass._h));
                    LaterRecurrentInGrads = Keep(pass._recurrentInGrads.Matrix(count, later, pass._h));
                    LaterContexts = Keep(pass._contexts!.Matrix(count, later, pass._d));
                }
            }
            if (pass._tokens) AllInputGrads = Keep(pass._inputGrads!.Matrix(0, rows, pass._d));
        }

        public int Count { get; }
        public int Steps { get; }
        public Tensor AllInputs { get; }
        public Tensor AllStates { get; }
        public Tensor AllOutputs { get; }
        public Tensor AllOutputGrads { get; }
        public Tensor AllStateGrads { get; }
        public Tensor? AllInputGrads { get; }
        public Tensor[] States { get; }
        public Tensor[] RecurrentIn { get; }
        public Tensor[] StateGrads { get; }
        public Tensor[] RecurrentInGrads { get; }
        public Tensor[]? Keys { get; }
        public Tensor[]? Contexts { get; }
        public Tensor[]? KeyGrads { get; }
        public Tensor[]? ContextGrads { get; }
        /// <summary>Steps 1..steps-1 (those with a recurrent input).</summary>
        public Tensor? LaterStateGrads { get; }
        public Tensor? LaterRecurrentIn { get; }
        public Tensor? LaterRecurrentInGrads { get; }
        public Tensor? LaterContexts { get; }
        /// <summary>Steps 0..steps-2 (the states that are attended to).</summary>
        public Tensor? EarlierKeyGrads { get; }
        public Tensor? EarlierStates { get; }

        public void Dispose()
        {
            foreach (var view in _all) view.Dispose();
        }

        private Tensor[] PerStep(NativeBuffer<T> buffer, int width) =>
            Enumerable.Range(0, Steps).Select(t => Keep(buffer.Matrix((long)t * Count, Count, width))).ToArray();

        private Tensor Keep(Tensor view)
        {
            _all.Add(view);
            return view;
        }
    }
}
