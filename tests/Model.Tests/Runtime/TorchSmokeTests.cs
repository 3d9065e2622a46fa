using AttnRnnCluster.Model.Runtime;
using TorchSharp;

namespace AttnRnnCluster.Model.Tests.Runtime;

public sealed class TorchSmokeTests
{
    [Fact]
    public void Natives_load_under_the_test_host()
    {
        var status = TorchRuntime.Check();
        Assert.True(status.Loaded, status.Problem);
        Assert.Equal("0.107.0", status.TorchSharpVersion);
    }

    [Fact]
    public void A_small_regression_trains_with_autograd()
    {
        TorchRuntime.EnsureLoaded();
        var generator = new torch.Generator(7);
        using var x = torch.rand(64, 2, generator: generator);
        using var y = x.sum(1, keepdim: true);
        using var w = torch.zeros(2, 1, requires_grad: true);
        float first = 0, last = 0;
        for (int step = 0; step < 100; step++)
        {
            using var loss = (x.matmul(w) - y).pow(2).mean();
            loss.backward();
            using (torch.no_grad())
            {
                w.sub_(w.grad!.mul(0.5));
                w.grad!.zero_();
            }
            if (step == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < first / 100, $"loss went from {first} to {last}");
        Assert.InRange(w[0, 0].item<float>(), 0.9f, 1.1f);
    }
}
