namespace AttnRnnCluster.Cluster.Tests.Browser;

/// <summary>
/// A test in headless Chromium. Where Chromium is not on PATH it skips, saying how to install it, unless
/// <see cref="HeadlessChromium.RequiredVariable"/> is set (CI sets it): then it runs and fails, so that CI never
/// passes without having looked at the page.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (HeadlessChromium.Find() is null && !HeadlessChromium.Required)
            Skip = $"Chromium is not on PATH (apt-get install chromium); set {HeadlessChromium.RequiredVariable}=1 to fail instead of skipping";
    }
}
