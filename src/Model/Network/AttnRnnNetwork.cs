using TorchSharp;
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
    /// [B, T]; <paramref name="realSteps"/> is [B, T] with 1 at real steps and 0 at padding. Padding sits
    /// after a sequence's last real step, so causality alone keeps it out of every real step's state and
    /// attention; zeroing its inputs keeps garbage there (even NaN) out of the gradient too.
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
        // The input-only terms for all steps at once, out of the time loop: W_xh x_t + b_h and x_t^T W_a.
        var inputDrive = x.matmul(_cell.WXh.t()) + _cell.BH;
        var queries = _attention is null ? null : x.matmul(_attention.WA);
        var wHhT = _cell.WHh.t();
        var wVT = _attention?.WV.t();
        var h = zeros(batch, _cell.WHh.shape[0], dtype: x.dtype);
        var states = new List<Tensor>((int)steps);
        for (int t = 0; t < steps; t++)
        {
            var recurrentInput = h;
            if (queries is not null && t > 0)
            {
                var keys = stack(states, 1);                                              // h_1..h_{t-1}: [B, t, H]
                var scores = keys.bmm(queries[.., t, .., TensorIndex.None]).squeeze(2);   // [B, t]
                var alpha = scores.softmax(1);
                var context = alpha.unsqueeze(1).bmm(x[.., ..t, ..]).squeeze(1);          // c_t: [B, D]
                recurrentInput = h + context.matmul(wVT!);                                // h_{t-1} + W_v c_t
            }
            h = (recurrentInput.matmul(wHhT) + inputDrive[.., t, ..]).tanh();
            states.Add(h);
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
