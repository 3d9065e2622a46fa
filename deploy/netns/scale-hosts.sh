#!/usr/bin/env bash
# Hosts for the scale benchmark (issue 19): one network namespace per process (host 0 for the coordinator,
# hosts 1..N for the workers, or the DDP ranks), each joined to a bridge by a veth pair whose two ends are both
# shaped to the same rate with tc's token bucket filter (tbf), so every link is a RATE link in both directions:
# the host end's egress shapes what the host sends, the bridge port's egress what it receives. This kernel has
# no netem, so there is no added delay: links are fast-but-narrow, like a switch of RATE ports in one rack.
#
#   deploy/netns/scale-hosts.sh --workers N --rate RATE [--check]
#
#   --workers N   worker hosts besides the coordinator's (1..16)
#   --rate RATE   every link's rate in both directions: <n>mbit or <n>gbit (10mbit..100gbit), e.g. 1gbit, 10gbit
#   --check       only check the prerequisites (root, ip, tc, namespaces, tbf) and exit 0 or 77
#
# It prints one line naming the hosts and their addresses ("scale-hosts: hosts NS=ADDRESS ..."), then
# "scale-hosts: ready", and holds them until its standard input closes (Ctrl-D, or the program that started it
# ending) or it gets SIGINT or SIGTERM; then it ends every process inside the namespaces and removes them all.
# Run a process on host i with: ip netns exec NS COMMAND (NS from the hosts line).
#
# Exit codes: 0 the hosts were made, held and removed; 1 failed (the reason is printed); 2 bad usage;
# 77 skipped: the prerequisites are missing (the reason is printed).
#
# Nothing outside this machine is contacted, and nothing in the machine's own network namespace changes: the
# bridge lives in a namespace of its own, the addresses exist only inside the namespaces, and every namespace
# is removed on exit, whatever happens.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/namespaces.sh"

readonly SKIP=77
readonly SUBNET=10.232.0            # a /24 that exists only inside these namespaces (multihost.sh uses 10.231.0)
readonly MAX_WORKERS=16

workers="" rate="" check_only=false
usage() { sed -n '8,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit "$1"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) workers=${2:?--workers needs a number}; shift 2 ;;
    --rate) rate=${2:?--rate needs a rate such as 1gbit}; shift 2 ;;
    --check) check_only=true; shift ;;
    -h|--help) usage 0 ;;
    *) echo "scale-hosts: unknown argument \"$1\"" >&2; usage 2 >&2 ;;
  esac
done

skip() { echo "scale-hosts: SKIPPED: $*" >&2; exit "$SKIP"; }
fail() { echo "scale-hosts: FAILED: $*" >&2; exit 1; }

if ! $check_only || [ -n "$workers$rate" ]; then
  [[ $workers =~ ^[1-9][0-9]*$ ]] && [ "$workers" -le "$MAX_WORKERS" ] \
    || { echo "scale-hosts: --workers: expected an integer in 1..$MAX_WORKERS, got \"$workers\"" >&2; exit 2; }
  [[ $rate =~ ^([1-9][0-9]*)(mbit|gbit)$ ]] \
    || { echo "scale-hosts: --rate: expected <n>mbit or <n>gbit (e.g. 1gbit, 10gbit), got \"$rate\"" >&2; exit 2; }
  unit=1000000; [ "${BASH_REMATCH[2]}" = gbit ] && unit=1000000000
  rate_bits=$((BASH_REMATCH[1] * unit))
  [ "$rate_bits" -ge 10000000 ] && [ "$rate_bits" -le 100000000000 ] \
    || { echo "scale-hosts: --rate: expected 10mbit..100gbit, got \"$rate\"" >&2; exit 2; }
fi

# ---- prerequisites --------------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || skip "needs root to create network namespaces and shape their links (run as root)"
command -v ip >/dev/null || skip "iproute2 (the ip command) is not installed"
command -v tc >/dev/null || skip "tc (iproute2) is not installed"
probe="attnrnn-probe-$$"
ip netns add "$probe" 2>/dev/null || skip "'ip netns add' is not permitted here (a container without CAP_SYS_ADMIN?)"
ip -n "$probe" link set lo up
if ! ip netns exec "$probe" tc qdisc add dev lo root tbf rate 1gbit burst 125000 limit 1250000 2>/dev/null; then
  ip netns del "$probe"
  skip "tc cannot add a tbf qdisc here (the kernel lacks sch_tbf?)"
fi
ip netns del "$probe"
$check_only && exit 0

# ---- the shaping ----------------------------------------------------------------------------------------
# burst: the bucket, i.e. how much may leave at the veth's own speed before the rate applies. One millisecond of
# the rate (125 KB at 1gbit, 1.25 MB at 10gbit): larger than the 64 KiB GSO packets a veth hands tbf whole (a
# packet larger than the bucket could never be sent), yet short enough that the rate holds over any interval a
# step's transfer of megabytes is measured on. HZ is 250 here, but tbf's watchdog is a high-resolution timer, so
# a bucket smaller than rate/HZ still releases packets on time.
# limit: the queue in bytes behind the bucket: 10 ms of the rate (1.25 MB at 1gbit, 12.5 MB at 10gbit), a
# switch port's buffer. Enough for the windows of the 16 TCP connections that converge on the coordinator's port
# at once to queue instead of being dropped in bursts, and small enough that TCP's own backoff, not a huge queue,
# shares the link (a deeper queue only adds delay, which the link-time arithmetic of a step does not include).
burst=$((rate_bits / 8 / 1000))
[ "$burst" -lt 65536 ] && burst=65536
limit=$((rate_bits / 8 / 100))
[ "$limit" -lt $((2 * burst)) ] && limit=$((2 * burst))

# ---- the sandbox ----------------------------------------------------------------------------------------
prefix="attnrnn-s$$"
switch_ns="$prefix-sw"
host_ns=()
for ((i = 0; i <= workers; i++)); do host_ns+=("$prefix-h$i"); done
address() { echo "$SUBNET.$(($1 + 1))"; }   # host i has SUBNET.(i+1)
created_ns=()

cleanup() {
  local status=$?
  trap - EXIT INT TERM HUP
  # Every process inside our namespaces was started for these hosts: end them, then the namespaces.
  end_namespaces "${created_ns[@]}"
  [ ${#created_ns[@]} -gt 0 ] && echo "scale-hosts: removed ${created_ns[*]}"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

make_ns() { ip netns add "$1" || fail "could not create namespace $1"; created_ns+=("$1"); ip -n "$1" link set lo up; }
shape() { # namespace, device: tbf at the rate on the device's egress
  ip netns exec "$1" tc qdisc add dev "$2" root tbf rate "$rate_bits"bit burst "$burst" limit "$limit" \
    || fail "could not shape $2 in $1 to $rate"
}

make_ns "$switch_ns"
ip -n "$switch_ns" link add br0 type bridge && ip -n "$switch_ns" link set br0 up || fail "could not create the bridge"
hosts_line=""
for ((i = 0; i <= workers; i++)); do
  make_ns "${host_ns[$i]}"
  # The veth pair is made inside the switch namespace with its peer born in the host's: the machine's own
  # namespace never sees either end.
  ip -n "$switch_ns" link add "port$i" type veth peer name eth0 netns "${host_ns[$i]}" \
    && ip -n "$switch_ns" link set "port$i" master br0 up \
    && ip -n "${host_ns[$i]}" addr add "$(address "$i")/24" dev eth0 \
    && ip -n "${host_ns[$i]}" link set eth0 up \
    || fail "could not wire host $i (${host_ns[$i]})"
  shape "${host_ns[$i]}" eth0        # host -> switch
  shape "$switch_ns" "port$i"        # switch -> host
  hosts_line+=" ${host_ns[$i]}=$(address "$i")"
done
echo "scale-hosts: hosts${hosts_line} on $SUBNET.0/24, switch $switch_ns; every link $rate both ways (tbf burst $burst limit $limit bytes)"
echo "scale-hosts: ready"

# Hold the hosts until standard input ends. read's timeout lets a signal's trap run within a second.
while true; do
  read -r -t 1 _
  result=$?
  [ "$result" -gt 128 ] && continue   # timed out: keep holding
  [ "$result" -ne 0 ] && break         # end of input
done
exit 0
