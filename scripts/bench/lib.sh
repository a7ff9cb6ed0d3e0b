# Shared by the benchmark scripts (sourced, not run): the private network namespace each run uses.
# Callers set NS (this run's namespace) and NS_PREFIX (what every run's namespace starts with).

# Kills what runs in a namespace of ours, then deletes it.
remove_ns() {
    local ns="$1" pids
    pids="$(ip netns pids "$ns" 2>/dev/null || true)"
    if [[ -n "$pids" ]]; then
        # shellcheck disable=SC2086 # one pid per word
        kill -KILL $pids 2>/dev/null || true
        sleep 0.2
    fi
    ip netns del "$ns" 2>/dev/null || true
}

# Removes leftovers of earlier runs that died before their trap (namespaces whose owner is gone), then
# creates $NS with loopback up and 127.0.0.2 on it for perfdhcp's relay address.
make_bench_ns() {
    local old owner
    for old in $(ip netns list 2>/dev/null | awk -v p="$NS_PREFIX" 'index($1, p) == 1 {print $1}'); do
        owner="${old#"$NS_PREFIX"}"
        [[ -d "/proc/$owner" ]] || remove_ns "$old"
    done
    ip netns add "$NS"
    ip -n "$NS" link set lo up
    ip -n "$NS" addr add 127.0.0.2/8 dev lo
}
