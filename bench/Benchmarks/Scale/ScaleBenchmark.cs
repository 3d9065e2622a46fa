using System.Globalization;

namespace AttnRnnCluster.Benchmarks.Scale;

/// <summary>
/// Issue 19 item 1 (docs/performance.md, "Scale II"): the coordinator and N workers on hosts of their own joined by
/// shaped links, ours (today's star data plane) against PyTorch DDP's ring on the same hosts and links, with a
/// fixed synthetic compute per shard so that what is measured is communication and coordination. Each row builds
/// its hosts, runs ours, then DDP, and removes the hosts; it prints its line as soon as it has it.
/// </summary>
public static class ScaleBenchmark
{
    /// <summary>
    /// The synthetic compute of one micro-shard, ours and DDP alike: at 16 workers, one shard each, a step computes
    /// for 0.1 s, well under the 0.6 s DDP's ring needs at 10M and 1 Gbit/s, so the figure is about the data plane;
    /// one worker sleeps 1.6 s a step, as a single machine would compute 16 shards.
    /// </summary>
    public static readonly TimeSpan ComputePerShard = TimeSpan.FromMilliseconds(100);

    /// <summary>Runs the rows; 0, or 1 when a row failed. Missing prerequisites print "scale skipped: REASON" and return 0.</summary>
    public static async Task<int> RunAsync(ScaleArguments arguments)
    {
        var started = DateTime.Now;
        string? whyNot = await ScaleHosts.WhyNotAsync() ?? WhyNoExecutables();
        if (whyNot != null)
        {
            Console.WriteLine($"scale skipped: {whyNot}");
            return 0;
        }
        string? whyNoDdp = await DdpRun.WhyNotAsync();
        Report.Heading($"scale: coordinator + N synthetic workers on network-namespace hosts, every link shaped both ways (tbf), " +
                       $"ours ({arguments.DataPlane} data plane, {(arguments.Security == "tls" ? "join-token TLS" : "--insecure: cleartext")}) against PyTorch DDP (gloo, unencrypted); adding model, {LinkFloor.ShardsPerStep} micro-shards a step, " +
                       $"synthetic compute {ComputePerShard.TotalMilliseconds:F0} ms per shard");
        if (whyNoDdp != null) Report.Line($"DDP skipped: {whyNoDdp}");
        var rows = new List<ScaleRow>();
        bool table = arguments.Rows.Count() > 1, failed = false;
        foreach (var (workers, size, link) in arguments.Rows)
        {
            var (hidden, parameters) = AddingHidden.Closest(size.Asked);
            var plan = StepPlan.For(workers, parameters, link, ComputePerShard, arguments.DataPlane);
            Report.Line($"N={workers} P={size.Text} (H={hidden}: {parameters.ToString("N0", CultureInfo.InvariantCulture)} parameters) {link.Text}: " +
                        $"{plan.WarmUp} warm-up + {plan.Measured} measured steps  [{DateTime.Now:HH:mm:ss}, load average {Machine.LoadAverage()}]");
            double? ours = null, ddp = null;
            CpuWindow? oursCpu = null, ddpCpu = null;
            try
            {
                using (var hosts = ScaleHosts.Start(workers, link))
                {
                    var (seconds, stragglers, cpu) = await OursRun.RunAsync(hosts, workers, hidden, plan, ComputePerShard, arguments.DataPlane, arguments.Security == "tls");
                    (ours, oursCpu) = (seconds, cpu);
                    Report.Line($"  ours: {seconds:F3} s/step (median of steps {plan.WarmUp + 1}-{plan.Steps}); {cpu?.Describe() ?? "CPU not read"}; stragglers and slow relays named: {stragglers}; load average {Machine.LoadAverage()}");
                }
                if (whyNoDdp == null)
                {
                    // Fresh hosts: nothing of our run (a TCP connection closing, a queue) is left on the links.
                    using var hosts = ScaleHosts.Start(workers, link);
                    (ddp, ddpCpu) = await DdpRun.RunAsync(hosts, workers, parameters, plan, ComputePerShard);
                    Report.Line($"  ddp: {ddp:F3} s/step (rank 0's median of steps {plan.WarmUp + 1}-{plan.WarmUp + Math.Max(plan.Measured, DdpRun.MinMeasured)}); {ddpCpu?.Describe() ?? "CPU not read"}; load average {Machine.LoadAverage()}");
                }
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
            {
                failed = true;
                Report.Line($"  FAILED: {e.Message}");
            }
            var row = new ScaleRow(workers, size, link, ours, ddp) { OursCpuPerStep = oursCpu?.PerStep, DdpCpuPerStep = ddpCpu?.PerStep };
            rows.Add(row);
            if (table) Console.WriteLine(row.Line());
        }
        var finished = DateTime.Now;
        if (table)
        {
            Report.Heading($"scale: the table ({(finished - started).TotalMinutes:F1} min)");
            foreach (string line in ScaleTable.Lines(rows, ComputePerShard, arguments.DataPlane)) Report.Line(line);
            return failed ? 1 : 0;
        }
        Console.WriteLine($"(done in {(finished - started).TotalMinutes:F1} min; load average now {Machine.LoadAverage()})");
        Console.WriteLine(rows[0].Line());
        return failed ? 1 : 0;
    }

    private static string? WhyNoExecutables()
    {
        string[] needed = ["AttnRnnCluster.Coordinator.dll", "AttnRnnCluster.SyntheticWorker.dll"];
        string? missing = needed.FirstOrDefault(file => !File.Exists(Path.Combine(Repository.AppFolder, file)));
        return missing == null ? null : $"{missing} is not built in {Repository.AppFolder} (dotnet build -c Release bench/Benchmarks)";
    }
}
