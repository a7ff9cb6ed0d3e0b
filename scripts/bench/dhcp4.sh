#!/usr/bin/env bash
# DHCPv4 throughput: Ruru against Kea, side by side on this machine.
#
# Usage (as root, from anywhere in the repository):
#   scripts/bench/dhcp4.sh
#   RATE=20000 DURATION=20 scripts/bench/dhcp4.sh
#   RURU_DHCP4_BIN=/path/to/ruru-dhcp4 scripts/bench/dhcp4.sh   # skip the build
#
# What it does:
#   1. Builds ruru-dhcp4 (`cargo build --release -p ruru-server`; honours CARGO_TARGET_DIR)
#      unless RURU_DHCP4_BIN names a binary.
#   2. Creates a private network namespace (so nothing else on port 67 interferes, and every
#      leftover dies with it) with 127.0.0.2 on its loopback.
#   3. Runs Kea, Ruru, Ruru, Kea (the order cancels slow drift in machine load), each from an
#      empty lease file with the same config: loopback relay mode (server binds 127.0.0.1 with
#      UDP sockets, perfdhcp relays from 127.0.0.2), one 10.0.0.0/8 subnet whose pool outlasts
#      any run, memfile with persistence on, loggers at WARN, and Kea's multi-threading as ISC
#      recommends for memfile (4 threads, queue 28).
#   4. Loads each with the same perfdhcp command:
#        perfdhcp -4 -l 127.0.0.2 -r $RATE -R 1000000 -p $DURATION 127.0.0.1
#      and prints per run the REQUEST-ACK leases/s, drop % and requests/s actually sent, then
#      Ruru/Kea (mean of each).
#
# Environment:
#   RATE            offered DORA exchanges per second (default 30000)
#   DURATION        seconds of load per run (default 10)
#   CLIENTS         distinct simulated clients, perfdhcp -R (default 1000000)
#   RURU_DHCP4_BIN  ruru-dhcp4 to measure (default: build it, then <target>/release/ruru-dhcp4)
#   KEA_DHCP4_BIN   kea-dhcp4 to measure (default: from PATH)
#   DB              lease backend of both servers: memfile (default), postgresql or mysql (the
#                   machine's server, a fresh database with Kea's schema per run, bridged into the
#                   namespace with socat; ISC's multi-threading advice for that backend)
#
# Every step is bounded: a server gets 20 s to listen and 10 s to stop; perfdhcp gets
# DURATION + 30 s. Exit status is non-zero when any run failed.
set -euo pipefail

RATE="${RATE:-30000}"
DURATION="${DURATION:-10}"
CLIENTS="${CLIENTS:-1000000}"
START_TIMEOUT=20
STOP_TIMEOUT=10
NS="ruru-bench-$$"
NS_PREFIX="ruru-bench-"

die() { echo "dhcp4.sh: $*" >&2; exit 1; }

[[ "$RATE" =~ ^[0-9]+$ && "$DURATION" =~ ^[0-9]+$ && "$CLIENTS" =~ ^[0-9]+$ ]] ||
    die "RATE, DURATION and CLIENTS must be whole numbers"
[[ $EUID -eq 0 ]] || die "needs root (network namespace, port 67)"
for tool in ip ss perfdhcp timeout awk; do
    command -v "$tool" >/dev/null || die "missing tool: $tool"
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/bench/lib.sh
source "$ROOT/scripts/bench/lib.sh"
KEA_BIN="${KEA_DHCP4_BIN:-$(command -v kea-dhcp4 || true)}"
[[ -x "$KEA_BIN" ]] || die "kea-dhcp4 not found (apt-get install kea-dhcp4-server) or set KEA_DHCP4_BIN"

RURU_BIN="$(ruru_binary ruru-dhcp4 "${RURU_DHCP4_BIN:-}")" || die "no ruru-dhcp4: the build failed or RURU_DHCP4_BIN is not executable"

bench_setup
bench_database || die "cannot reach the $DB database"
mkdir -p /run/kea /var/run/kea /var/lib/kea

# run_one NAME BINARY DIR: writes "leases_per_s drop_percent requests_sent" to DIR/result,
# details on stderr.
# Runs in the main shell (not a subshell) so the traps know SERVER_PID.
run_one() {
    local name="$1" bin="$2" dir="$3"
    mkdir -p "$dir"
    bench_fresh_database
    write_bench4_config "$dir"
    start_server "$name" "$dir" 67 env KEA_PIDFILE_DIR="$dir" KEA_LOCKFILE_DIR="$dir" \
        ip netns exec "$NS" "$bin" -c "$dir/dhcp4.json" || return 1
    timeout --kill-after=5 $((DURATION + 30)) \
        ip netns exec "$NS" perfdhcp -4 -l 127.0.0.2 -r "$RATE" -R "$CLIENTS" -p "$DURATION" 127.0.0.1 \
        >"$dir/perfdhcp.out" 2>&1 || true
    stop_server
    # Rate: completed DORA exchanges (REQUEST-ACK received) per second of the run.
    awk '
        /^Rate:/ { rate = $2 }
        /^\*\*\*Statistics for: REQUEST-ACK\*\*\*/ { ra = 1; next }
        /^\*\*\*/ { ra = 0 }
        ra && /^sent packets:/ { sent = $3 }
        ra && /^drops ratio:/ { drops = $3 }
        END { if (rate == "" || drops == "") exit 1; print rate, drops, sent }
    ' "$dir/perfdhcp.out" >"$dir/result" || {
        echo "$name: no perfdhcp report; its output:" >&2
        tail -n 30 "$dir/perfdhcp.out" >&2
        return 1
    }
}

echo "perfdhcp -r $RATE -R $CLIENTS -p $DURATION, loopback relay, leases in $DB; Kea $("$KEA_BIN" -v 2>/dev/null || echo '?'), Ruru $RURU_BIN" >&2
declare -a NAMES=(kea ruru ruru kea)
declare -A SUM=([kea]=0 [ruru]=0)
# requests/s: REQUEST-ACK requests perfdhcp managed to send; far below RATE means the load
# generator, not the server, was the limit in that run.
printf '%-4s %-5s %12s %8s %12s\n' run server "leases/s" "drop %" "requests/s"
failed=0
for i in "${!NAMES[@]}"; do
    name="${NAMES[$i]}"
    if [[ "$name" == kea ]]; then bin="$KEA_BIN"; else bin="$RURU_BIN"; fi
    dir="$WORK/$i-$name"
    if run_one "$name" "$bin" "$dir"; then
        read -r rate drops sent <"$dir/result"
        printf '%-4s %-5s %12.0f %8s %12.0f\n' "$((i + 1))" "$name" "$rate" "$drops" \
            "$(awk -v s="${sent:-0}" -v d="$DURATION" 'BEGIN { print s / d }')"
        SUM[$name]="$(awk -v a="${SUM[$name]}" -v b="$rate" 'BEGIN { print a + b }')"
    else
        printf '%-4s %-5s %12s %8s %12s\n' "$((i + 1))" "$name" failed - -
        failed=1
    fi
done

((failed == 0)) || die "a run failed; no ratio"
awk -v r="${SUM[ruru]}" -v k="${SUM[kea]}" 'BEGIN {
    if (k <= 0) { print "Ruru/Kea: n/a (Kea served nothing)"; exit }
    printf "Ruru/Kea: %.2f (mean %.0f vs %.0f leases/s)\n", r / k, r / 2, k / 2
}'
