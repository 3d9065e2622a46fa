#!/usr/bin/env bash
# Three "hosts" on one machine, without Docker: network namespaces joined by veth pairs on a bridge, with
# private addresses that exist only inside those namespaces. The coordinator runs in one, a worker in each of
# the others; they train a few steps across the namespace boundary, as they would across machines.
#
#   deploy/netns/multihost.sh [--app DIR] [--steps N] [--timeout SECONDS] [--keep DIR] [--network-only | --partition]
#
#   --app DIR        the folder holding AttnRnnCluster.Coordinator.dll and AttnRnnCluster.Worker.dll
#                    (default: artifacts/app/Release, else artifacts/app/Debug)
#   --steps N        optimizer steps to train (default 10; 100 with --partition)
#   --timeout S      the whole run's bound in seconds (default 300); the processes are killed after it
#   --keep DIR       keep the logs and the run folder in DIR (default: a temporary folder, removed at the end)
#   --network-only   build the namespaces and check that each worker host reaches the coordinator host over
#                    TCP (needs python3 for the listener), then clean up; no .NET involved
#   --partition      unplug both worker hosts from the switch for 15 s once both are cluster members and 5 steps
#                    are trained, then plug them back; passes if the coordinator trains to the end (it is
#                    not downed) and each worker rejoins or exits with a clear message (docs/operations.md)
#   --check          only check the prerequisites of the run the other options describe, and exit 0 or 77
#
# Exit codes: 0 passed; 1 failed (the reason and the logs' tails are printed); 2 bad usage;
# 77 skipped: the prerequisites are missing (not root, namespaces not permitted, executables not built).
#
# Nothing outside this machine is contacted, and nothing in the machine's own network namespace changes:
# the bridge lives in a namespace of its own, and every namespace is removed on exit, whatever happens.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/namespaces.sh"

readonly SKIP=77
readonly SUBNET=10.231.0            # a /24 that exists only inside the namespaces made below
readonly PORT=4053
readonly WORKERS=2
readonly PARTITION_AFTER_STEPS=5
readonly PARTITION_SECONDS=15        # longer than failure detection plus the resolver's stable-after (5 s)

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
app="" steps="" timeout_seconds=300 keep="" network_only=false partition=false check_only=false

usage() { sed -n '6,21s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit "$1"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --app) app=${2:?--app needs a folder}; shift 2 ;;
    --steps) steps=${2:?--steps needs a number}; shift 2 ;;
    --timeout) timeout_seconds=${2:?--timeout needs seconds}; shift 2 ;;
    --keep) keep=${2:?--keep needs a folder}; shift 2 ;;
    --network-only) network_only=true; shift ;;
    --partition) partition=true; shift ;;
    --check) check_only=true; shift ;;
    -h|--help) usage 0 ;;
    *) echo "multihost: unknown argument \"$1\"" >&2; usage 2 >&2 ;;
  esac
done
$network_only && $partition && { echo "multihost: --network-only and --partition exclude each other" >&2; exit 2; }
if [ -z "$steps" ]; then if $partition; then steps=100; else steps=10; fi; fi
[[ $steps =~ ^[1-9][0-9]*$ ]] || { echo "multihost: --steps: expected a positive integer, got \"$steps\"" >&2; exit 2; }
$partition && [ "$steps" -le "$PARTITION_AFTER_STEPS" ] \
  && { echo "multihost: --steps: --partition needs more than $PARTITION_AFTER_STEPS steps, got $steps" >&2; exit 2; }
[[ $timeout_seconds =~ ^[1-9][0-9]*$ ]] || { echo "multihost: --timeout: expected a positive integer, got \"$timeout_seconds\"" >&2; exit 2; }

skip() { echo "multihost: SKIPPED: $*" >&2; exit "$SKIP"; }
fail() { echo "multihost: FAILED: $*" >&2; exit 1; }

# ---- prerequisites --------------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || skip "needs root to create network namespaces (run as root, or in CI)"
command -v ip >/dev/null || skip "iproute2 (the ip command) is not installed"
probe="attnrnn-probe-$$"
ip netns add "$probe" 2>/dev/null || skip "'ip netns add' is not permitted here (a container without CAP_SYS_ADMIN?)"
ip netns del "$probe"

if $network_only; then
  command -v python3 >/dev/null || skip "--network-only needs python3 for its TCP listener"
else
  if [ -z "$app" ]; then
    for configuration in Release Debug; do
      [ -f "$repo_root/artifacts/app/$configuration/AttnRnnCluster.Coordinator.dll" ] && { app="$repo_root/artifacts/app/$configuration"; break; }
    done
  fi
  [ -n "$app" ] && [ -f "$app/AttnRnnCluster.Coordinator.dll" ] && [ -f "$app/AttnRnnCluster.Worker.dll" ] \
    || skip "the executables are not built in ${app:-artifacts/app/Release or Debug} (dotnet build src/Coordinator)"
  command -v dotnet >/dev/null || skip "dotnet is not on PATH"
fi
$check_only && exit 0

# ---- the sandbox ----------------------------------------------------------------------------------------
prefix="attnrnn-$$"
switch_ns="$prefix-sw"
host_ns=("$prefix-c")                        # host 0: the coordinator; hosts 1..WORKERS: the workers
for ((i = 1; i <= WORKERS; i++)); do host_ns+=("$prefix-w$i"); done
address() { echo "$SUBNET.$(($1 + 1))"; }   # host i has SUBNET.(i+1)

if [ -n "$keep" ]; then mkdir -p "$keep" && work=$(cd "$keep" && pwd); else work=$(mktemp -d -t attnrnn-multihost.XXXXXX); fi
created_ns=()

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  # Every process still inside our namespaces was started by this script: end them, then the namespaces.
  end_namespaces "${created_ns[@]}"
  [ -z "$keep" ] && rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

make_ns() { ip netns add "$1" || fail "could not create namespace $1"; created_ns+=("$1"); ip -n "$1" link set lo up; }

make_ns "$switch_ns"
ip -n "$switch_ns" link add br0 type bridge && ip -n "$switch_ns" link set br0 up || fail "could not create the bridge"
for ((i = 0; i <= WORKERS; i++)); do
  make_ns "${host_ns[$i]}"
  # The veth pair is made inside the switch namespace with its peer born in the host's: the machine's own
  # namespace never sees either end.
  ip -n "$switch_ns" link add "port$i" type veth peer name eth0 netns "${host_ns[$i]}" \
    && ip -n "$switch_ns" link set "port$i" master br0 up \
    && ip -n "${host_ns[$i]}" addr add "$(address "$i")/24" dev eth0 \
    && ip -n "${host_ns[$i]}" link set eth0 up \
    || fail "could not wire host $i (${host_ns[$i]})"
done
echo "multihost: hosts ${host_ns[*]} on $SUBNET.0/24 (coordinator $(address 0)); logs in $work"

# Runs a command inside host i's namespace, bounded by the run's timeout.
in_host() { local i=$1; shift; ip netns exec "${host_ns[$i]}" timeout --kill-after=10 "$timeout_seconds" "$@"; }

# The executables' exit codes, in words.
meaning() { case "$1" in 0) echo "ok" ;; 1) echo "the run failed" ;; 2) echo "bad options or input" ;; 3) echo "TorchSharp cannot load" ;; 124 | 137) echo "timed out" ;; *) echo "unexpected" ;; esac; }

show_tail() { local f; for f in "$@"; do [ -f "$f" ] && { echo "---- last lines of $f" >&2; tail -n 40 "$f" >&2; }; done; }

if $network_only; then
  # One TCP listener on the coordinator's host; each worker host connects and says who it is.
  in_host 0 python3 -c '
import socket, sys
server = socket.create_server((sys.argv[1], int(sys.argv[2])))
server.settimeout(20)
for _ in range(int(sys.argv[3])):
    connection, _ = server.accept()
    with connection:
        print(connection.recv(64).decode().strip(), flush=True)
' "$(address 0)" "$PORT" "$WORKERS" >"$work/listener.log" 2>&1 &
  listener=$!
  for ((i = 1; i <= WORKERS; i++)); do
    connected=false
    for _ in $(seq 1 40); do   # the listener may still be starting: retry for up to 10 s
      if ip netns exec "${host_ns[$i]}" timeout 5 bash -c 'echo "hello from $1" >"/dev/tcp/$2/$3"' _ "$(address "$i")" "$(address 0)" "$PORT" 2>/dev/null
      then connected=true; break; fi
      sleep 0.25
    done
    $connected || fail "host $i ($(address "$i")) could not reach $(address 0):$PORT"
  done
  wait "$listener" || { show_tail "$work/listener.log"; fail "the listener on $(address 0):$PORT did not hear from every host"; }
  for ((i = 1; i <= WORKERS; i++)); do
    grep -qx "hello from $(address "$i")" "$work/listener.log" || { show_tail "$work/listener.log"; fail "no greeting from $(address "$i")"; }
  done
  echo "multihost: PASSED: every worker host reached $(address 0):$PORT over the bridge"
  exit 0
fi

# ---- the run --------------------------------------------------------------------------------------------
# The caller's ATTNRNN_* settings must not leak into this controlled run.
for variable in $(compgen -e | grep '^ATTNRNN_'); do unset "$variable"; done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# A partition must fall in the middle of the run, after both workers are cluster members (which can lag their
# first steps by a join retry, ~5 s): the workers are slowed down so that the run outlasts that, and a shard at
# a lost worker goes back to the queue soon.
coordinator_extra=() worker_extra=()
$partition && { coordinator_extra=(--shard-timeout 5); worker_extra=(--inject-delay-ms 80); }

# The cluster's join token, as every deployment has one: every connection between the hosts is under TLS keyed by it.
token_file="$work/join-token"
(umask 077; openssl rand -hex 32 >"$token_file")

coordinator_log="$work/coordinator.log"
in_host 0 dotnet "$app/AttnRnnCluster.Coordinator.dll" \
  --port "$PORT" --hostname "$(address 0)" --local-workers 0 --min-workers "$WORKERS" --start-timeout 120 \
  --steps "$steps" --target-loss 0 --hidden 16 --seq-len 20 --batch 32 --micro-batch 8 --eval-every 5 --held-out 64 \
  "${coordinator_extra[@]}" --join-token-file "$token_file" --out "$work/run" >"$coordinator_log" 2>&1 &
coordinator=$!

worker_pids=() worker_logs=()
for ((i = 1; i <= WORKERS; i++)); do
  worker_logs+=("$work/worker$i.log")
  in_host "$i" dotnet "$app/AttnRnnCluster.Worker.dll" \
    --seed-nodes "akka.ssl.tcp://attnrnn@$(address 0):$PORT" --hostname "$(address "$i")" --name "netns-worker-$i" \
    --join-token-file "$token_file" --coordinator-timeout 20 "${worker_extra[@]}" >"$work/worker$i.log" 2>&1 &
  worker_pids+=($!)
done

# A worker can train before it is Up in the cluster (it registers with the coordinator first); only members are
# judged by the split-brain resolver, so the partition waits for both.
cluster_members_up() {
  local i
  for ((i = 1; i <= WORKERS; i++)); do grep -q "Cluster: akka.ssl.tcp://attnrnn@$(address "$i"):[0-9]* (worker) is up" "$coordinator_log" || return 1; done
}
trained_steps() { local count; count=$(grep -c '"kind":"train"' "$work/run/metrics.jsonl" 2>/dev/null); echo "${count:-0}"; }

if $partition; then
  # The run's own bound also bounds this wait: the coordinator is killed after it, and the loop ends with it.
  until [ "$(trained_steps)" -ge "$PARTITION_AFTER_STEPS" ] && cluster_members_up; do
    kill -0 "$coordinator" 2>/dev/null \
      || { show_tail "$coordinator_log" "${worker_logs[@]}"; fail "the run ended before both workers were cluster members and $PARTITION_AFTER_STEPS steps were trained: no partition was made"; }
    sleep 0.2
  done
  # Pulling the worker hosts' cables at the switch: their packets are dropped silently, as in a real partition.
  for ((i = 1; i <= WORKERS; i++)); do ip -n "$switch_ns" link set "port$i" down || fail "could not unplug host $i"; done
  echo "multihost: partition: both worker hosts cut off from $(address 0) after $(trained_steps) steps, for $PARTITION_SECONDS s"
  sleep "$PARTITION_SECONDS"
  for ((i = 1; i <= WORKERS; i++)); do ip -n "$switch_ns" link set "port$i" up || fail "could not plug host $i back"; done
  echo "multihost: partition: the worker hosts are connected again"
fi

wait "$coordinator"
coordinator_status=$?
echo "multihost: the coordinator exited with code $coordinator_status ($(meaning "$coordinator_status"))"

# Workers leave when the coordinator is gone (at once, or after --coordinator-timeout); give them that long.
worker_statuses=()
for index in "${!worker_pids[@]}"; do
  pid=${worker_pids[$index]}
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "multihost: worker $((index + 1)) is still running 30 s after the coordinator ended; stopping it"
    kill -TERM "$pid" 2>/dev/null
  fi
  wait "$pid"
  worker_status=$?
  worker_statuses+=("$worker_status")
  echo "multihost: worker $((index + 1)) exited with code $worker_status ($(meaning "$worker_status"))"
done

status=0
if [ "$coordinator_status" = 124 ] || [ "$coordinator_status" = 137 ]; then
  echo "multihost: the coordinator did not finish within $timeout_seconds s" >&2; status=1
elif [ "$coordinator_status" != 0 ]; then
  echo "multihost: the coordinator failed (exit code $coordinator_status: $(meaning "$coordinator_status"))" >&2; status=1
fi
# The coordinator logs each worker that joins with its address; both hosts must appear.
for ((i = 1; i <= WORKERS; i++)); do
  if ! grep -i 'joined' "$coordinator_log" | grep -q -e "$(address "$i")" -e "netns-worker-$i"; then
    echo "multihost: the coordinator's log has no line saying that worker $i ($(address "$i"), netns-worker-$i) joined" >&2
    status=1
  fi
done
if $partition; then
  # The rule (docs/operations.md, "Partitions"): the coordinator's side keeps running, even alone against every
  # worker; the workers cut off from it rejoin, or exit with a message that says why.
  grep -q 'reached the step cap' "$coordinator_log" \
    || { echo "multihost: the coordinator's log does not say it reached the step cap ($steps)" >&2; status=1; }
  for ((i = 1; i <= WORKERS; i++)); do
    member="Cluster: akka.ssl.tcp://attnrnn@$(address "$i"):"
    for event in "is unreachable" "was removed"; do
      grep -F "$member" "$coordinator_log" | grep -qF "$event" \
        || { echo "multihost: the coordinator's log never says that worker $i ($(address "$i")) $event" >&2; status=1; }
    done
    joins=$(grep -cE "Worker netns-worker-$i \(.*\) joined" "$coordinator_log")
    if grep -q 'joining again' "${worker_logs[$((i - 1))]}" && [ "$joins" -ge 2 ]; then
      echo "multihost: partition: worker $i rejoined (it joined the coordinator $joins times)"
    elif [ "${worker_statuses[$((i - 1))]}" = 1 ] && grep -qE 'stops: |could not rejoin within' "${worker_logs[$((i - 1))]}"; then
      echo "multihost: partition: worker $i exited with a message: $(grep -hoE '(stops: |could not rejoin within).*' "${worker_logs[$((i - 1))]}" | head -n 1)"
    else
      echo "multihost: worker $i neither rejoined (joined $joins time(s)) nor exited with a message saying why (exit code ${worker_statuses[$((i - 1))]})" >&2
      status=1
    fi
  done
fi
if [ "$status" != 0 ]; then
  show_tail "$coordinator_log" "${worker_logs[@]}"
  fail "see above"
fi
if $partition; then
  echo "multihost: PASSED: the coordinator at $(address 0) kept running through a partition from both workers and trained all $steps steps"
  exit 0
fi
echo "multihost: PASSED: $steps steps trained by a coordinator at $(address 0) with workers at $(address 1) and $(address 2)"
