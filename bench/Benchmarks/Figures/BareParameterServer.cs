using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Runtime;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>
/// The least work a synchronous parameter server can do per step on this machine, to measure the orchestrator
/// against: no actors, no Akka, no thread hand-offs, no fault tolerance. The server is this process's one thread
/// (make the batch, send each worker the weights and its slice in one write, read the gradients in worker order,
/// sum, clip, Adam); each worker process is one thread that blocks on its socket, computes, answers. A coordinator
/// with worker processes that does more per step than this can only be slower on these cores.
/// </summary>
public static class BareParameterServer
{
    /// <summary>The hidden first argument that makes this program a bare worker (see <see cref="RunWorker"/>).</summary>
    public const string WorkerVerb = "bare-worker";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Sequences per second with <paramref name="workers"/> worker processes: the median step after the warm-up.</summary>
    public static double Throughput(int workers, int seqLen, int hidden, int batch, int steps, int warmUpSteps)
    {
        if (batch % workers != 0) throw new ArgumentException($"a batch of {batch} does not split evenly over {workers} workers");
        int share = batch / workers;
        var config = AddingModel.Config(hidden);
        var weights = ModelInitializer.Initialize(config, seed: 1);
        var optimizer = new AdamOptimizer(weights.Length);
        var rule = new UpdateRule(LearningRateSchedule.Constant(1e-3), ClipNorm: 1.0);
        var source = new AddingSource(seqLen, seed: 1, heldOutSize: 0);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        string port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString();
        var children = Enumerable.Range(0, workers)
            .Select(_ => ChildProcess.Start("dotnet", [typeof(BareParameterServer).Assembly.Location, WorkerVerb, port, hidden.ToString()]))
            .ToList();
        var sockets = new List<Socket>();
        try
        {
            for (int w = 0; w < workers; w++) sockets.Add(Accept(listener, children));
            var gradientBytes = new byte[GradientMessageSize(weights.Length)];
            var stepMilliseconds = new List<double>();
            for (int step = 0; step < steps; step++)
            {
                var clock = Stopwatch.StartNew();
                var full = source.TrainBatch(step, batch);
                for (int w = 0; w < workers; w++)
                    sockets[w].Send(WorkMessage(weights, full.Slice(w * share, share)));
                var results = new List<ShardResult>();
                foreach (var socket in sockets)
                {
                    ReadExactly(socket, gradientBytes);
                    results.Add(ReadGradient(gradientBytes, weights.Length));
                }
                rule.Apply(step, weights, ShardResults.Sum(results), optimizer);
                if (step >= warmUpSteps) stepMilliseconds.Add(clock.Elapsed.TotalMilliseconds);
            }
            return batch * 1000 / Report.Median(stepMilliseconds);
        }
        catch (Exception e) when (e is SocketException or EndOfStreamException)
        {
            throw new InvalidOperationException($"a bare worker stopped answering: {e.Message}. Their output:{Environment.NewLine}{string.Join(Environment.NewLine, children.Select(c => c.Output))}", e);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
            children.ForEach(c => c.Dispose());
        }
    }

    /// <summary>A bare worker process: <c>bare-worker PORT HIDDEN</c>; computes until the server closes the connection.</summary>
    public static int RunWorker(string[] args)
    {
        // As the real worker does with --threads 1, so the two kinds of worker process start alike.
        var torch = TorchRuntime.Check(intraOpThreads: 1);
        if (!torch.Loaded)
        {
            Console.Error.WriteLine(TorchRuntime.Explain(torch));
            return 3;
        }
        var config = AddingModel.Config(int.Parse(args[2]));
        using var engine = GradientEngines.Create(config);
        var weights = new float[engine.Layout.TotalSize];
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(IPAddress.Loopback, int.Parse(args[1]));
        var header = new int[2];
        while (true)
        {
            try
            {
                ReadExactly(socket, MemoryMarshal.AsBytes(header.AsSpan()));
            }
            catch (EndOfStreamException)
            {
                return 0;
            }
            int count = header[0], steps = header[1];
            var lengths = new int[count];
            var features = new float[count * steps * config.InputWidth];
            var targets = new float[count];
            ReadExactly(socket, MemoryMarshal.AsBytes(weights.AsSpan()));
            ReadExactly(socket, MemoryMarshal.AsBytes(lengths.AsSpan()));
            ReadExactly(socket, MemoryMarshal.AsBytes(features.AsSpan()));
            ReadExactly(socket, MemoryMarshal.AsBytes(targets.AsSpan()));
            engine.SetWeights(weights);
            var result = engine.ComputeGradient(new Batch(count, steps, config.InputWidth, outputWidth: 1, lengths, features, regressionTargets: targets));
            socket.Send(GradientMessage(result));
        }
    }

    private static Socket Accept(TcpListener listener, IReadOnlyList<ChildProcess> children)
    {
        using var deadline = new CancellationTokenSource(Patience);
        try
        {
            var socket = listener.AcceptSocketAsync(deadline.Token).AsTask().GetAwaiter().GetResult();
            socket.NoDelay = true;
            socket.ReceiveTimeout = (int)Patience.TotalMilliseconds;
            return socket;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"a bare worker did not connect within {Patience.TotalSeconds:F0} s. Their output:{Environment.NewLine}{string.Join(Environment.NewLine, children.Select(c => c.Output))}");
        }
    }

    /// <summary>[count, steps] then the weights, lengths, features and targets, as one buffer (one write).</summary>
    private static byte[] WorkMessage(float[] weights, Batch slice)
    {
        int[] header = [slice.Count, slice.Steps];
        int elements = header.Length + weights.Length + slice.Lengths.Length + slice.Features!.Length + slice.RegressionTargets!.Length;
        var message = new byte[elements * sizeof(float)]; // ints and floats alike take 4 bytes
        var rest = message.AsSpan();
        Append(ref rest, MemoryMarshal.AsBytes(header.AsSpan()));
        Append(ref rest, MemoryMarshal.AsBytes(weights.AsSpan()));
        Append(ref rest, MemoryMarshal.AsBytes(slice.Lengths.AsSpan()));
        Append(ref rest, MemoryMarshal.AsBytes(slice.Features.AsSpan()));
        Append(ref rest, MemoryMarshal.AsBytes(slice.RegressionTargets.AsSpan()));
        return message;
    }

    private static void Append(ref Span<byte> rest, ReadOnlySpan<byte> part)
    {
        part.CopyTo(rest);
        rest = rest[part.Length..];
    }

    private static int GradientMessageSize(int parameters) => parameters * sizeof(float) + sizeof(double) + sizeof(long);

    /// <summary>The gradient, then the loss sum and the item count.</summary>
    private static byte[] GradientMessage(ShardResult result)
    {
        var bytes = new byte[GradientMessageSize(result.Gradient.Length)];
        MemoryMarshal.AsBytes(result.Gradient.AsSpan()).CopyTo(bytes);
        BitConverter.TryWriteBytes(bytes.AsSpan(result.Gradient.Length * sizeof(float)), result.LossSum);
        BitConverter.TryWriteBytes(bytes.AsSpan(result.Gradient.Length * sizeof(float) + sizeof(double)), result.Count);
        return bytes;
    }

    private static ShardResult ReadGradient(byte[] bytes, int parameters)
    {
        var gradient = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(0, parameters * sizeof(float))).ToArray();
        double lossSum = BitConverter.ToDouble(bytes, parameters * sizeof(float));
        long count = BitConverter.ToInt64(bytes, parameters * sizeof(float) + sizeof(double));
        return new ShardResult(gradient, lossSum, count);
    }

    private static void ReadExactly(Socket socket, Span<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            int read = socket.Receive(buffer);
            if (read == 0) throw new EndOfStreamException("the connection closed");
            buffer = buffer[read..];
        }
    }
}
