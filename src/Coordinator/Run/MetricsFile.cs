using System.Text;
using System.Text.Json;
using AttnRnnCluster.Coordinator.Training;

namespace AttnRnnCluster.Coordinator.Run;

/// <summary>
/// metrics.jsonl: one JSON object per line, flushed as written, so a crashed run keeps what it measured.
/// Every line has "kind" ("train" or "eval"), "step" and "loss".
/// </summary>
public sealed class MetricsFile : IDisposable
{
    private readonly StreamWriter _writer;

    public MetricsFile(string path)
    {
        Path = path;
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) { AutoFlush = true };
    }

    public string Path { get; }

    public void Write(TrainStepReport r, double elapsedSeconds) => WriteLine(w =>
    {
        w.WriteString("kind", "train");
        w.WriteNumber("step", r.Step);
        w.WriteNumber("loss", r.Loss);
        w.WriteNumber("examples_per_s", Math.Round(r.ExamplesPerSecond, 2));
        if (r.TokensPerSecond != null) w.WriteNumber("tokens_per_s", Math.Round(r.TokensPerSecond.Value, 1));
        w.WriteNumber("workers", r.Workers);
        w.WriteNumber("step_ms", Math.Round(r.StepMs, 3));
        w.WriteNumber("compute_slowest_ms", Math.Round(r.ComputeSlowestMs, 3));
        w.WriteNumber("compute_median_ms", Math.Round(r.ComputeMedianMs, 3));
        w.WriteNumber("waiting_ms", Math.Round(r.WaitingMs, 3));
        w.WriteNumber("reduce_optimizer_ms", Math.Round(r.ReduceAndOptimizerMs, 3));
        w.WriteNumber("broadcast_ms", Math.Round(r.BroadcastMs, 3));
        w.WriteNumber("lr", r.LearningRate);
        w.WriteNumber("grad_norm", r.GradientNorm);
        if (r.Eta != null) w.WriteNumber("eta_s", Math.Round(r.Eta.Value.TotalSeconds, 1));
        w.WriteNumber("elapsed_s", Math.Round(elapsedSeconds, 3));
    });

    public void Write(EvalReport r, double elapsedSeconds) => WriteLine(w =>
    {
        w.WriteString("kind", "eval");
        w.WriteNumber("step", r.Step);
        w.WriteNumber("loss", r.Loss);
        w.WriteNumber("items", r.Items);
        w.WriteNumber("eval_ms", Math.Round(r.Ms, 3));
        w.WriteNumber("elapsed_s", Math.Round(elapsedSeconds, 3));
    });

    public void Dispose() => _writer.Dispose();

    private void WriteLine(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }
        _writer.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
