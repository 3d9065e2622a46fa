"""The anchor of the scale figure (issue 19, docs/performance.md "Scale II"): PyTorch DistributedDataParallel over
gloo, one rank per process, run by bench/Benchmarks in the network-namespace hosts of deploy/netns/scale-hosts.sh
(rank r on worker host r + 1), under the same shaped links as ours.

The model has exactly --params float32 parameters, in tensors of 256 Ki values (as a real model has many tensors,
so DDP fills its default 25 MB buckets from several). Each step does what our synthetic workers do, plus what DDP
does for real: it sleeps --shards x --compute-ms (the synthetic compute of the shards this rank stands for; a
sleep costs no CPU), runs a backward that gives every parameter a gradient (cheap: the gradient of a scaled sum),
so DDP's bucketed allreduce (gloo's ring) moves all P values, then steps Adam, as our coordinator does.
Rank 0 prints the median step time over the steps after --warmup, and the machine's busy CPU over those steps.

usage: python3 ddp_scale_peer.py --rank R --world N --master ADDRESS [--port 29500] --params P
                                 [--shards S] [--compute-ms 100] [--steps 10] [--warmup 3]
Run it with ../shared/peer/peer-env.sh's environment (OPENBLAS_NUM_THREADS=1), and GLOO_SOCKET_IFNAME set to the
host's interface (eth0 in the namespaces): gloo otherwise picks the address the machine's hostname resolves to.
"""
import argparse
import datetime
import statistics
import time

import torch
import torch.distributed as dist

CHUNK = 1 << 18


class FlatModel(torch.nn.Module):
    """Exactly `total` float32 parameters, in tensors of CHUNK values (the last one smaller)."""

    def __init__(self, total):
        super().__init__()
        sizes = [CHUNK] * (total // CHUNK) + ([total % CHUNK] if total % CHUNK else [])
        self.chunks = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(n)) for n in sizes])

    def forward(self):
        # d/dp of this is 1e-6 for every value of every tensor: all of them get a gradient, at almost no cost.
        return sum(chunk.sum() for chunk in self.chunks) * 1e-6


def busy_cpu():
    """The machine's user and kernel (system, irq, softirq) seconds from /proc/stat, and the time: see CpuWindow.cs."""
    with open("/proc/stat") as stat:
        fields = [int(f) for f in stat.readline().split()[1:]]
    return (fields[0] + fields[1]) / 100, (fields[2] + fields[5] + fields[6]) / 100, time.time()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rank", type=int, required=True)
    parser.add_argument("--world", type=int, required=True)
    parser.add_argument("--master", required=True, help="rank 0's address")
    parser.add_argument("--port", type=int, default=29500)
    parser.add_argument("--params", type=int, required=True)
    parser.add_argument("--shards", type=int, default=1, help="synthetic shards this rank computes per step")
    parser.add_argument("--compute-ms", type=int, default=100, help="synthetic compute per shard")
    parser.add_argument("--steps", type=int, default=10, help="measured steps")
    parser.add_argument("--warmup", type=int, default=3, help="steps left out of the median")
    args = parser.parse_args()
    if not (0 <= args.rank < args.world and args.params >= 1 and args.steps >= 1 and args.warmup >= 0):
        parser.error("expected 0 <= rank < world, params >= 1, steps >= 1, warmup >= 0")

    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://{args.master}:{args.port}", rank=args.rank,
                            world_size=args.world, timeout=datetime.timedelta(minutes=10))
    model = torch.nn.parallel.DistributedDataParallel(FlatModel(args.params))
    assert sum(p.numel() for p in model.parameters()) == args.params
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    compute = args.shards * args.compute_ms / 1000
    times = []
    cpu_start = None
    for step in range(args.warmup + args.steps):
        if step == args.warmup:
            cpu_start = busy_cpu()
        start = time.perf_counter()
        time.sleep(compute)
        optimizer.zero_grad(set_to_none=False)
        model().backward()
        optimizer.step()
        times.append(time.perf_counter() - start)
    cpu_end = busy_cpu()
    dist.barrier()
    if args.rank == 0:
        measured = times[args.warmup:]
        print(f"ddp_scale_peer world={args.world} params={args.params} shards/rank={args.shards} "
              f"compute={args.compute_ms} ms/shard: median {statistics.median(measured):.4f} s/step "
              f"over {len(measured)} steps (min {min(measured):.4f}, max {max(measured):.4f})", flush=True)
        # The whole machine's busy CPU over the measured steps (the ranks run them in lockstep), as the benchmark reads it.
        print(f"cpu user {cpu_end[0] - cpu_start[0]:.2f} kernel {cpu_end[1] - cpu_start[1]:.2f} "
              f"wall {cpu_end[2] - cpu_start[2]:.3f} s over {len(measured)} steps", flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
