# Sourced by multihost.sh and scale-hosts.sh: what both do to leave the machine as they found it.

# end_namespaces NS...: every process inside the given namespaces was started for them, so it gets SIGTERM, up to
# 5 s to exit, then SIGKILL; then each namespace is removed. Errors are ignored: this runs on every exit path.
end_namespaces() {
  local ns pid
  for ns in "$@"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null; done
  done
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    local alive=""
    for ns in "$@"; do alive+=$(ip netns pids "$ns" 2>/dev/null); done
    [ -z "$alive" ] && break
    sleep 0.5
  done
  for ns in "$@"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
}
