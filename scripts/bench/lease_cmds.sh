#!/usr/bin/env bash
# libdhcp_lease_cmds.so under load: how long paging through a big lease store with lease4-get-page
# takes, and what it costs DHCP service meanwhile.
#
# Usage (as root, from anywhere in the repository):
#   scripts/bench/lease_cmds.sh
#   LEASES=200000 RATE=5000 DURATION=10 scripts/bench/lease_cmds.sh
#   SUBJECT=kea scripts/bench/lease_cmds.sh     # the same against kea-dhcp4 and Kea's own plugin
#   RURU_DHCP4_BIN=/path/to/ruru-dhcp4 RURU_LEASE_CMDS=/path/to/libdhcp_lease_cmds.so scripts/bench/lease_cmds.sh
#
# What it does:
#   1. Builds ruru-dhcp4 and the plugin (`cargo build --release -p ruru-server -p ruru-hook-lease-cmds`;
#      honours CARGO_TARGET_DIR) unless RURU_DHCP4_BIN and RURU_LEASE_CMDS name them (or SUBJECT=kea).
#   2. Writes a lease file of LEASES leases (subnet 2, 11.0.0.0/8, one MAC each, expiring in 10 days,
#      Kea 2.2's columns so both servers read it) and starts the server on it in a private network
#      namespace: loopback relay mode as scripts/bench/dhcp4.sh, subnet 1 (10.0.0.0/8) for perfdhcp's
#      clients, the plugin, a UNIX control socket, multi-threading 4 threads.
#   3. Measures, one after the other:
#        paging   one pass of lease4-get-page (from "start", LIMIT per page, each page from the last
#                 address of the previous) over the whole store, from a client on the control socket;
#        dhcp     perfdhcp -4 -l 127.0.0.2 -r $RATE -R $CLIENTS -p $DURATION 127.0.0.1 alone;
#        both     the same perfdhcp while paging passes run back to back.
#      and prints the pass time and leases/s of paging, and the REQUEST-ACK leases/s of perfdhcp alone
#      and while paging.
#
# Environment:
#   LEASES            leases in the store (default 1000000)
#   LIMIT             lease4-get-page limit (default 1000)
#   RATE              offered DORA exchanges per second (default 10000)
#   DURATION          seconds of perfdhcp load per run (default 10)
#   CLIENTS           distinct simulated clients, perfdhcp -R (default 1000000)
#   SUBJECT           ruru (default) or kea: kea-dhcp4 with KEA_LEASE_CMDS
#   KEA_LEASE_CMDS    Kea's plugin (default /usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so)
#   RURU_DHCP4_BIN    ruru-dhcp4 to measure (default: build it, then <target>/release/ruru-dhcp4)
#   RURU_LEASE_CMDS   the plugin (default: build it, then <target>/release/libdhcp_lease_cmds.so)
#
# Every step is bounded: the server gets 120 s to load and listen (it is killed at the end), perfdhcp
# DURATION + 30 s, a paging pass 600 s. Exit status is non-zero when a step failed.
set -euo pipefail

LEASES="${LEASES:-1000000}"
LIMIT="${LIMIT:-1000}"
RATE="${RATE:-10000}"
DURATION="${DURATION:-10}"
CLIENTS="${CLIENTS:-1000000}"
SUBJECT="${SUBJECT:-ruru}"
START_TIMEOUT=120
PASS_TIMEOUT=600
NS="ruru-bench-$$"
NS_PREFIX="ruru-bench-"

die() { echo "lease_cmds.sh: $*" >&2; exit 1; }

for v in LEASES LIMIT RATE DURATION CLIENTS; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a whole number"
done
((LEASES > 0 && LIMIT > 0 && DURATION > 0)) || die "LEASES, LIMIT and DURATION must be at least 1"
((LEASES < 16777215)) || die "LEASES must fit 11.0.0.0/8"
[[ $EUID -eq 0 ]] || die "needs root (network namespace, port 67)"
for tool in ip ss perfdhcp timeout awk python3; do
    command -v "$tool" >/dev/null || die "missing tool: $tool"
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/bench/lib.sh
source "$ROOT/scripts/bench/lib.sh"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$SUBJECT" in
ruru)
    if [[ -z "${RURU_DHCP4_BIN:-}" || -z "${RURU_LEASE_CMDS:-}" ]]; then
        echo "building ruru-dhcp4 and libdhcp_lease_cmds.so (release)..." >&2
        (cd "$ROOT" && timeout 3600 cargo build --release -p ruru-server -p ruru-hook-lease-cmds) ||
            die "build failed"
    fi
    SERVER_BIN="${RURU_DHCP4_BIN:-$TARGET/release/ruru-dhcp4}"
    PLUGIN="${RURU_LEASE_CMDS:-$TARGET/release/libdhcp_lease_cmds.so}"
    ;;
kea)
    SERVER_BIN="$(command -v kea-dhcp4)" || die "no kea-dhcp4"
    PLUGIN="${KEA_LEASE_CMDS:-/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so}"
    ;;
*) die "SUBJECT must be ruru or kea" ;;
esac
[[ -x "$SERVER_BIN" ]] || die "no server at $SERVER_BIN"
[[ -f "$PLUGIN" ]] || die "no plugin at $PLUGIN"

WORK="$(mktemp -d /tmp/ruru-bench-XXXXXX)"
SOCKET="$WORK/dhcp4.sock"
SERVER_PID=""
PERF_PID=""

cleanup() {
    for pid in "$PERF_PID" "$SERVER_PID"; do
        [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null || true
    done
    remove_ns "$NS"
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

make_bench_ns

echo "writing $LEASES leases..." >&2
awk -v n="$LEASES" -v expire="$(($(date +%s) + 864000))" 'BEGIN {
    print "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context"
    for (i = 1; i <= n; i++) {
        a = int(i / 65536); b = int(i / 256) % 256; c = i % 256
        printf "11.%d.%d.%d,02:00:00:%02x:%02x:%02x,,864000,%d,2,0,0,,0,\n", a, b, c, a, b, c, expire
    }
}' >"$WORK/leases4.csv"

cat >"$WORK/dhcp4.json" <<JSON
{
  "Dhcp4": {
    "interfaces-config": { "interfaces": [ "lo/127.0.0.1" ], "dhcp-socket-type": "udp" },
    "lease-database": { "type": "memfile", "persist": true, "lfc-interval": 0,
                        "name": "$WORK/leases4.csv" },
    "multi-threading": { "enable-multi-threading": true, "thread-pool-size": 4,
                         "packet-queue-size": 28 },
    "control-socket": { "socket-type": "unix", "socket-name": "$SOCKET" },
    "valid-lifetime": 4000,
    "subnet4": [
      { "id": 1, "subnet": "10.0.0.0/8", "pools": [ { "pool": "10.0.0.1 - 10.255.255.254" } ],
        "relay": { "ip-addresses": [ "127.0.0.2" ] } },
      { "id": 2, "subnet": "11.0.0.0/8" }
    ],
    "hooks-libraries": [ { "library": "$PLUGIN" } ],
    "loggers": [ { "name": "kea-dhcp4", "output_options": [ { "output": "stdout" } ],
                   "severity": "WARN" } ]
  }
}
JSON

# The paging client: passes of lease4-get-page over the whole store until DEADLINE (epoch seconds;
# 0 = one pass). Prints "passes leases seconds_of_first_pass".
cat >"$WORK/page.py" <<'PY'
import json, socket, sys, time

path, limit, deadline = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])

def command(c):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(json.dumps(c).encode())
    chunks = []
    while True:
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    s.close()
    return json.loads(b"".join(chunks))

def one_pass():
    seen, start = 0, "start"
    while True:
        r = command({"command": "lease4-get-page", "arguments": {"from": start, "limit": limit}})
        if r["result"] == 3:
            return seen
        if r["result"] != 0:
            sys.exit("lease4-get-page failed: %s" % r)
        leases = r["arguments"]["leases"]
        seen += len(leases)
        start = leases[-1]["ip-address"]

passes, total, first = 0, 0, None
while True:
    t0 = time.monotonic()
    total += one_pass()
    passes += 1
    if first is None:
        first = time.monotonic() - t0
    if time.time() >= deadline:
        break
print(passes, total, "%.2f" % first)
PY

echo "starting $SUBJECT on $LEASES leases..." >&2
# The PID and lock files of either server go to the scratch directory.
KEA_PIDFILE_DIR="$WORK" KEA_LOCKFILE_DIR="$WORK" \
    ip netns exec "$NS" "$SERVER_BIN" -c "$WORK/dhcp4.json" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
disown "$SERVER_PID"
deadline=$((SECONDS + START_TIMEOUT))
until ip netns exec "$NS" ss -Hlun 'sport = :67' | grep -q . && [[ -S "$SOCKET" ]]; do
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$WORK/server.log" >&2; die "server exited"; }
    ((SECONDS < deadline)) || die "server not listening after ${START_TIMEOUT}s"
    sleep 0.2
done

# perf_start: perfdhcp in the background, its report to $WORK/perf.out.
perf_start() {
    timeout --kill-after=5 $((DURATION + 30)) \
        ip netns exec "$NS" perfdhcp -4 -l 127.0.0.2 -r "$RATE" -R "$CLIENTS" -p "$DURATION" 127.0.0.1 \
        >"$WORK/perf.out" 2>&1 &
    PERF_PID=$!
}

# perf_wait: the REQUEST-ACK leases/s and drop % of the perfdhcp run.
perf_wait() {
    wait "$PERF_PID" || true
    PERF_PID=""
    awk '
        /^Rate:/ { rate = $2 }
        /^\*\*\*Statistics for: REQUEST-ACK\*\*\*/ { ra = 1; next }
        /^\*\*\*/ { ra = 0 }
        ra && /^drops ratio:/ { drops = $3 }
        END { if (rate == "") exit 1; print rate, drops }
    ' "$WORK/perf.out" || { tail -n 30 "$WORK/perf.out" >&2; die "no usable perfdhcp report"; }
}

page() {
    timeout "$PASS_TIMEOUT" python3 "$WORK/page.py" "$SOCKET" "$LIMIT" "$1" || die "paging failed"
}

echo "paging alone..." >&2
page 0 >"$WORK/paging"
read -r _ paged pass_s <"$WORK/paging"
((paged == LEASES)) || die "paging saw $paged leases, the store holds $LEASES"
echo "DHCP alone..." >&2
perf_start
perf_wait >"$WORK/dhcp"
read -r dhcp_rate dhcp_drops <"$WORK/dhcp"
echo "DHCP while paging..." >&2
perf_start
page $(($(date +%s) + DURATION)) >"$WORK/paging"
perf_wait >"$WORK/dhcp"
read -r passes _ both_pass_s <"$WORK/paging"
read -r both_rate both_drops <"$WORK/dhcp"

awk -v n="$LEASES" -v limit="$LIMIT" -v s="$pass_s" -v dr="$dhcp_rate" -v dd="$dhcp_drops" \
    -v br="$both_rate" -v bd="$both_drops" -v bs="$both_pass_s" -v passes="$passes" -v rate="$RATE" \
    -v subject="$SUBJECT" 'BEGIN {
    printf "server:                     %s\n", subject
    printf "leases in the store:        %d\n", n
    printf "paging, limit %d:          %.2f s for %d pages (%.0f leases/s)\n", limit, s, (n + limit - 1) / limit, n / s
    printf "DHCP alone (offered %d/s): %.0f leases/s, %s %% dropped\n", rate, dr, dd
    printf "DHCP while paging:          %.0f leases/s, %s %% dropped (%d paging passes, the first %.2f s)\n", br, bd, passes, bs
}'
