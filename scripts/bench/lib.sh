# Shared by the benchmark scripts (sourced, not run): the private network namespaces each run uses, and
# starting and stopping the server under measurement in them.
# Callers set NS (this run's namespace, "$NS_PREFIX<pid>") and NS_PREFIX (what every run's namespace
# starts with). DHCPv6 runs also use "$NS-c", the client side of a veth pair (make_bench_veth_ns).

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

# Removes leftovers of earlier runs that died before their trap: namespaces "$NS_PREFIX<pid>[-...]"
# whose owner pid is gone.
sweep_stale_ns() {
    local old owner
    for old in $(ip netns list 2>/dev/null | awk -v p="$NS_PREFIX" 'index($1, p) == 1 {print $1}'); do
        owner="${old#"$NS_PREFIX"}"
        owner="${owner%%[!0-9]*}"
        [[ -n "$owner" && -d "/proc/$owner" ]] || remove_ns "$old"
    done
}

# Sweeps stale namespaces, then creates $NS with loopback up and 127.0.0.2 on it for perfdhcp's relay
# address.
make_bench_ns() {
    sweep_stale_ns
    ip netns add "$NS"
    ip -n "$NS" link set lo up
    ip -n "$NS" addr add 127.0.0.2/8 dev lo
}

# DHCPv6 cannot run over loopback (no link-local address there). Sweeps stale namespaces, then
# creates $NS (server side) and "$NS-c" (client side) joined by a veth pair: $VETH_S in $NS with
# 2001:db8:1::1/64, $VETH_C in "$NS-c". Duplicate address detection is off in both, and this returns
# once both ends have a usable link-local address (10 s at most). Callers set VETH_S and VETH_C
# (at most 15 characters) and remove both namespaces on exit (remove_bench_veth_ns); deleting
# a namespace deletes the pair.
make_bench_veth_ns() {
    local ns dev deadline
    sweep_stale_ns
    for ns in "$NS" "$NS-c"; do
        ip netns add "$ns"
        ip -n "$ns" link set lo up
        ip netns exec "$ns" sh -c \
            'for c in all default; do echo 0 > /proc/sys/net/ipv6/conf/$c/accept_dad; done'
    done
    ip link add "$VETH_S" netns "$NS" type veth peer name "$VETH_C" netns "$NS-c"
    ip -n "$NS" link set "$VETH_S" up
    ip -n "$NS-c" link set "$VETH_C" up
    ip -n "$NS" addr add 2001:db8:1::1/64 dev "$VETH_S" nodad
    deadline=$((SECONDS + 10))
    for ns in "$NS" "$NS-c"; do
        if [[ "$ns" == "$NS" ]]; then dev="$VETH_S"; else dev="$VETH_C"; fi
        until ip -n "$ns" -6 -o addr show dev "$dev" scope link | grep -v tentative | grep -q inet6; do
            ((SECONDS < deadline)) || { echo "no link-local address on $dev" >&2; return 1; }
            sleep 0.1
        done
    done
}

# Removes both namespaces of make_bench_veth_ns (and with them the veth pair).
remove_bench_veth_ns() {
    remove_ns "$NS-c"
    remove_ns "$NS"
}

# The server under measurement: its pid while it runs (callers' EXIT traps kill it). Callers set
# START_TIMEOUT and STOP_TIMEOUT (seconds to listen, seconds to stop).
SERVER_PID=""

# wait_listening PORT: until the server holds UDP PORT in $NS, or it died, or START_TIMEOUT passed.
wait_listening() {
    local port="$1" deadline=$((SECONDS + START_TIMEOUT))
    while ((SECONDS < deadline)); do
        kill -0 "$SERVER_PID" 2>/dev/null || return 1
        # Any socket on the port in our private namespace is the server's (it may show as
        # 127.0.0.1%lo:67 when bound to the device).
        if ip netns exec "$NS" ss -Hlun "sport = :$port" | grep -q .; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# start_server NAME DIR PORT COMMAND...: runs COMMAND (the server, in $NS) with its output in
# DIR/server.log and waits until it listens on UDP PORT; when it does not, prints the log's tail,
# stops it and returns 1. Call it in the main shell (not a subshell) so the traps know SERVER_PID.
start_server() {
    local name="$1" dir="$2" port="$3"
    shift 3
    "$@" >"$dir/server.log" 2>&1 &
    SERVER_PID=$!
    if ! wait_listening "$port"; then
        echo "$name did not start listening; its log:" >&2
        tail -n 30 "$dir/server.log" >&2
        stop_server
        return 1
    fi
}

# stop_server: SIGTERM, STOP_TIMEOUT seconds to exit, then SIGKILL.
stop_server() {
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_TIMEOUT))
    while kill -0 "$SERVER_PID" 2>/dev/null && ((SECONDS < deadline)); do
        sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

# write_bench4_config DIR [HOOKS]: DIR/dhcp4.json, the configuration the DHCPv4 benchmarks run: loopback
# relay mode (the server binds 127.0.0.1 with UDP sockets, perfdhcp relays from 127.0.0.2), one
# 10.0.0.0/8 subnet whose pool outlasts any run, memfile with persistence on, loggers at WARN,
# multi-threading as ISC recommends for memfile (4 threads, queue 28); HOOKS (a JSON list), when given,
# as "hooks-libraries".
# With DB_NAME set (bench_database), the leases go to that database instead, with ISC's multi-threading
# advice for it (PostgreSQL 8 threads, queue 88; MySQL 12, queue 792).
write_bench4_config() {
    local dir="$1" hooks="" leases threads=4 queue=28
    if [[ -n "${2:-}" ]]; then hooks="\"hooks-libraries\": $2,"; fi
    leases="{ \"type\": \"memfile\", \"persist\": true, \"lfc-interval\": 0, \"name\": \"$dir/leases4.csv\" }"
    if [[ -n "${DB_NAME:-}" ]]; then
        leases="{ \"type\": \"$DB\", \"name\": \"$DB_NAME\", \"host\": \"127.0.0.1\", \"port\": $DB_BRIDGE_PORT, \"user\": \"root\" }"
        if [[ "$DB" == postgresql ]]; then threads=8 queue=88; else threads=12 queue=792; fi
    fi
    cat >"$dir/dhcp4.json" <<EOF
{
  "Dhcp4": {
    "interfaces-config": { "interfaces": [ "lo/127.0.0.1" ], "dhcp-socket-type": "udp" },
    "lease-database": $leases,
    "multi-threading": { "enable-multi-threading": true, "thread-pool-size": $threads,
                         "packet-queue-size": $queue },
    "valid-lifetime": 4000,
    "renew-timer": 1000,
    "rebind-timer": 2000,
    "subnet4": [ {
      "id": 1,
      "subnet": "10.0.0.0/8",
      "pools": [ { "pool": "10.0.0.1 - 10.255.255.254" } ],
      "relay": { "ip-addresses": [ "127.0.0.2" ] }
    } ],
    $hooks
    "loggers": [ { "name": "kea-dhcp4", "output_options": [ { "output": "stdout" } ],
                   "severity": "WARN" } ]
  }
}
EOF
}

# ruru_binary NAME OVERRIDE: prints OVERRIDE when it is set, else builds the servers
# (`cargo build --release -p ruru-server`, honouring CARGO_TARGET_DIR; ROOT is the repository) and
# prints <target>/release/NAME. Fails when the build fails or the result is not executable.
ruru_binary() {
    local name="$1" bin="$2"
    if [[ -z "$bin" ]]; then
        echo "building $name (release)..." >&2
        (cd "$ROOT" && timeout 3600 cargo build --release -p ruru-server) >&2 || return 1
        bin="${CARGO_TARGET_DIR:-$ROOT/target}/release/$name"
    fi
    [[ -x "$bin" ]] || return 1
    echo "$bin"
}

# bench_setup: a scratch directory $WORK, the namespace $NS (make_bench_ns), and traps that on exit
# kill the server ($SERVER_PID), a poller ($POLLER_PID) and a helper ($HELPER_PID) when set,
# remove the namespace and $WORK.
bench_setup() {
    WORK="$(mktemp -d /tmp/ruru-bench-XXXXXX)"
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
    make_bench_ns
}

bench_cleanup() {
    local pid
    for pid in ${POLLER_PID:-} ${HELPER_PID:-} ${SERVER_PID:-} ${BRIDGE_PID:-}; do
        kill -KILL "$pid" 2>/dev/null || true
    done
    remove_ns "$NS"
    bench_drop_databases
    rm -rf "$WORK"
}

# bench_database: with DB=postgresql or DB=mysql, bridges the host's database server into $NS (the
# servers there see it on 127.0.0.1:$DB_BRIDGE_PORT; a UNIX socket in $WORK links the two socat
# relays, since a UNIX socket is not bound to a network namespace) and sets DB_NAME to a fresh
# database initialised by Kea's own kea-admin (call bench_fresh_database before each run).
DB="${DB:-memfile}"
DB_BRIDGE_PORT=15432
DB_NAME=""
bench_database() {
    local target
    case "$DB" in
        memfile) return 0 ;;
        postgresql) target=127.0.0.1:5432 ;;
        mysql) target=127.0.0.1:3306 ;;
        *) echo "DB must be memfile, postgresql or mysql" >&2; return 1 ;;
    esac
    command -v socat >/dev/null && command -v kea-admin >/dev/null || {
        echo "DB=$DB needs socat and kea-admin" >&2; return 1; }
    socat UNIX-LISTEN:"$WORK/db.sock",fork TCP:"$target" &
    BRIDGE_PID=$!
    disown "$BRIDGE_PID"
    ip netns exec "$NS" socat TCP-LISTEN:"$DB_BRIDGE_PORT",bind=127.0.0.1,fork,reuseaddr \
        UNIX-CONNECT:"$WORK/db.sock" &
    disown $!
    sleep 0.5
}

# bench_fresh_database: DB_NAME becomes a new empty database with Kea's schema (dropped with the
# namespace's other leftovers by bench_drop_databases).
BENCH_DATABASES=()
bench_fresh_database() {
    [[ "$DB" == memfile ]] && return 0
    DB_NAME="ruru_bench_$$_${#BENCH_DATABASES[@]}"
    BENCH_DATABASES+=("$DB_NAME")
    if [[ "$DB" == postgresql ]]; then
        psql -h 127.0.0.1 -U root -d postgres -qc "CREATE DATABASE $DB_NAME" >/dev/null
        kea-admin db-init pgsql -h 127.0.0.1 -u root -p '' -n "$DB_NAME" >/dev/null 2>&1
    else
        mariadb -h 127.0.0.1 -u root -e "CREATE DATABASE $DB_NAME"
        kea-admin db-init mysql -h 127.0.0.1 -u root -p '' -n "$DB_NAME" >/dev/null 2>&1
    fi
}

bench_drop_databases() {
    local d
    for d in "${BENCH_DATABASES[@]+"${BENCH_DATABASES[@]}"}"; do
        if [[ "$DB" == postgresql ]]; then
            psql -h 127.0.0.1 -U root -d postgres -qc "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
        else
            mariadb -h 127.0.0.1 -u root -e "DROP DATABASE IF EXISTS $d" 2>/dev/null
        fi
    done
}
