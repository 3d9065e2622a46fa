using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AttnRnnCluster.Model.Network;

/// <summary>
/// The attention-fused RNN of the spec (../shared/spec/model.md), as a TorchSharp module whose named
/// parameters are exactly the spec's checkpoint keys (<c>cell.w_xh</c>, <c>attention.w_a</c>, ...). With
/// attention off it is the plain Elman RNN. This is the one place the model's math lives: every engine and
/// test computes outputs through <see cref="Outputs"/>.
/// </summary>
public sealed class AttnRnnNetwork : nn.Module
{
    private readonly Embedding? _embedding;
    private readonly RnnCell _cell;
    private readonly AttentionBlock? _attention;
    private readonly Linear _head;

    public AttnRnnNetwork(ModelConfig config, ScalarType dtype = ScalarType.Float32) : base("attn_rnn")
    {
        config.Validate();
        Config = config;
        int d = config.InputWidth, h = config.Hidden;
        if (config.Input == InputKind.Tokens)
        {
            _embedding = nn.Embedding(config.VocabSize, d, dtype: dtype);
            register_module("embedding", _embedding);
        }
        _cell = new RnnCell(d, h, dtype);
        register_module("cell", _cell);
        if (config.Attention)
        {
            _attention = new AttentionBlock(d, h, dtype);
            register_module("attention", _attention);
        }
        _head = nn.Linear(h, config.OutputWidth, dtype: dtype);
        register_module("head", _head);
    }

    public ModelConfig Config { get; }

    /// <summary>
    /// y_t for every step: [B, T, O]. <paramref name="input"/> is dense features [B, T, D] or token ids
    /// [B, T]; <paramref name="realSteps"/> is [B, T], true at real steps. Padding sits after a sequence's
    /// last real step, so causality alone keeps it out of every real step's state and attention; zeroing its
    /// inputs keeps whatever it holds (even NaN) out of the gradient too.
    /// </summary>
    public Tensor Outputs(Tensor input, Tensor realSteps)
    {
        using var scope = NewDisposeScope();
        var x = _embedding is null ? input : _embedding.call(input);
        x = x.masked_fill(realSteps.logical_not().unsqueeze(2), 0);
        return _head.call(States(x)).MoveToOuterDisposeScope();
    }

    /// <summary>h_t for every step, [B, T, H], from embedded inputs x [B, T, D].</summary>
    private Tensor States(Tensor x)
    {
        long batch = x.shape[0], steps = x.shape[1];
        // Everything that depends on the inputs alone is done for all steps at once, outside the time loop,
        // and split per step in one operation: the loop is a few hundred small operations per sequence
        // position, so each one saved counts.
        var inputDrive = (x.matmul(_cell.WXh.t()) + _cell.BH).unbind(1);      // W_xh x_t + b_h: T of [B, H]
        var queries = x.unsqueeze(2).unbind(1);                                 // x_t^T: T of [B, 1, D]
        var wHhT = _cell.WHh.t();
        var wAT = _attention?.WA.t();
        var wVT = _attention?.WV.t();
        var h = zeros(batch, _cell.WHh.shape[0], dtype: x.dtype);
        Tensor? keys = null;                                                    // k_j = W_a h_j for the states so far: [B, D, t]
        var states = new Tensor[steps];
        for (int t = 0; t < steps; t++)
        {
            var recurrentInput = h;
            if (wAT is not null && t > 0)
            {
                // s_{t,j} = x_t^T W_a h_j = x_t . k_j: scored in the input space, so the keys that grow with t are D wide, not H.
                var newKey = h.matmul(wAT).unsqueeze(2);
                keys = keys is null ? newKey : cat([keys, newKey], 2);
                var alpha = queries[t].bmm(keys).softmax(2);                     // [B, 1, t]
                var context = alpha.bmm(x.narrow(1, 0, t)).squeeze(1);          // c_t: [B, D]
                recurrentInput = h.addmm(context, wVT!);                         // h_{t-1} + W_v c_t
            }
            h = inputDrive[t].addmm(recurrentInput, wHhT).tanh();
            states[t] = h;
        }
        return stack(states, 1);
    }

    /// <summary>W_xh, W_hh, b_h under the keys <c>cell.*</c>.</summary>
    private sealed class RnnCell : nn.Module
    {
        public RnnCell(int d, int h, ScalarType dtype) : base("cell")
        {
            WXh = new Parameter(empty(h, d, dtype: dtype));
            WHh = new Parameter(empty(h, h, dtype: dtype));
            BH = new Parameter(empty(h, dtype: dtype));
            register_parameter("w_xh", WXh);
            register_parameter("w_hh", WHh);
            register_parameter("b_h", BH);
        }

        public Parameter WXh { get; }
        public Parameter WHh { get; }
        public Parameter BH { get; }
    }

    /// <summary>W_a (score bilinear form) and W_v (value projection) under the keys <c>attention.*</c>.</summary>
    private sealed class AttentionBlock : nn.Module
    {
        public AttentionBlock(int d, int h, ScalarType dtype) : base("attention")
        {
            WA = new Parameter(empty(d, h, dtype: dtype));
            WV = new Parameter(empty(h, d, dtype: dtype));
            register_parameter("w_a", WA);
            register_parameter("w_v", WV);
        }

        public Parameter WA { get; }
        public Parameter WV { get; }
    }
}
