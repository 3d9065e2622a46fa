using AttnRnnCluster.Worker.Hosting;

// The worker executable: joins a coordinator's cluster and computes micro-shards. See --help.
return await WorkerProcess.RunAsync(args);
