#!/usr/bin/env bash
# Cost of the plugin runtime: ruru-dhcp4 without plugins against ruru-dhcp4 with a no-op plugin
# (tests/plugins/noop: one callout on every DHCPv4 point, each returning at once), same machine, same load.
#
# Usage (as root, from anywhere in the repository):
#   scripts/bench/hooks4.sh
#   RATE=10000 DURATION=10 scripts/bench/hooks4.sh
#   RURU_DHCP4_BIN=/path/to/ruru-dhcp4 RURU_NOOP_PLUGIN=/path/to/libruru_test_noop.so scripts/bench/hooks4.sh
#
# What it does:
#   1. Builds ruru-dhcp4 and the no-op plugin (`cargo build --release -p ruru-server -p ruru-test-noop`;
#      honours CARGO_TARGET_DIR) unless RURU_DHCP4_BIN and RURU_NOOP_PLUGIN name them.
#   2. Creates a private network namespace with 127.0.0.2 on its loopback (as scripts/bench/dhcp4.sh).
#   3. Runs none, noop, noop, none (the order cancels slow drift in machine load), each from an empty
#      lease file with dhcp4.sh's config (loopback relay mode, one 10.0.0.0/8 subnet, memfile with
#      persistence on, loggers at WARN, multi-threading 4 threads, queue 28), plus for "noop"
#      "hooks-libraries": [the no-op plugin].
#   4. Loads each with dhcp4.sh's perfdhcp command:
#        perfdhcp -4 -l 127.0.0.2 -r $RATE -R $CLIENTS -p $DURATION 127.0.0.1
#      and prints per run the REQUEST-ACK leases/s, drop %, and the server's CPU time (user + system)
#      per 1000 leases, then the overhead of "noop" over "none" (means of each) in both.
#
# Reading it: when the offered rate is below what the server can serve, both configurations serve all
# of it and the leases/s overhead is ~0 by construction; the CPU per lease then shows the cost. When
# the offered rate is above capacity, leases/s shows it directly.
#
# Environment:
#   RATE              offered DORA exchanges per second (default 30000)
#   DURATION          seconds of load per run (default 10)
#   CLIENTS           distinct simulated clients, perfdhcp -R (default 1000000)
#   RURU_DHCP4_BIN    ruru-dhcp4 to measure (default: build it, then <target>/release/ruru-dhcp4)
#   RURU_NOOP_PLUGIN  the no-op plugin (default: build it, then <target>/release/libruru_test_noop.so)
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

die() { echo "hooks4.sh: $*" >&2; exit 1; }

[[ "$RATE" =~ ^[0-9]+$ && "$DURATION" =~ ^[0-9]+$ && "$CLIENTS" =~ ^[0-9]+$ ]] ||
    die "RATE, DURATION and CLIENTS must be whole numbers"
((DURATION > 0)) || die "DURATION must be at least 1"
[[ $EUID -eq 0 ]] || die "needs root (network namespace, port 67)"
for tool in ip ss perfdhcp timeout awk getconf; do
    command -v "$tool" >/dev/null || die "missing tool: $tool"
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/bench/lib.sh
source "$ROOT/scripts/bench/lib.sh"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
if [[ -z "${RURU_DHCP4_BIN:-}" || -z "${RURU_NOOP_PLUGIN:-}" ]]; then
    echo "building ruru-dhcp4 and the no-op plugin (release)..." >&2
    (cd "$ROOT" && timeout 3600 cargo build --release -p ruru-server -p ruru-test-noop) ||
        die "build failed"
fi
RURU_BIN="${RURU_DHCP4_BIN:-$TARGET/release/ruru-dhcp4}"
NOOP="${RURU_NOOP_PLUGIN:-$TARGET/release/libruru_test_noop.so}"
[[ -x "$RURU_BIN" ]] || die "no ruru-dhcp4 at $RURU_BIN"
[[ -f "$NOOP" ]] || die "no no-op plugin at $NOOP"
TICKS="$(getconf CLK_TCK)"

bench_setup

# cpu_ticks: user + system clock ticks of the server so far (fields 14 and 15 of /proc/PID/stat, counted
# after the ")" that ends the command name).
cpu_ticks() {
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$SERVER_PID/stat"
}

# run_one NAME DIR HOOKS: writes "leases_per_s drop_percent cpu_ms_per_1000_leases" to DIR/result,
# details on stderr. Runs in the main shell (not a subshell) so the traps know SERVER_PID.
run_one() {
    local name="$1" dir="$2" hooks="$3" ticks
    mkdir -p "$dir"
    write_bench4_config "$dir" "$hooks"
    start_server "$name" "$dir" 67 ip netns exec "$NS" "$RURU_BIN" -c "$dir/dhcp4.json" || return 1
    timeout --kill-after=5 $((DURATION + 30)) \
        ip netns exec "$NS" perfdhcp -4 -l 127.0.0.2 -r "$RATE" -R "$CLIENTS" -p "$DURATION" 127.0.0.1 \
        >"$dir/perfdhcp.out" 2>&1 || true
    ticks="$(cpu_ticks || echo 0)"
    stop_server
    awk -v ticks="$ticks" -v hz="$TICKS" -v d="$DURATION" '
        /^Rate:/ { rate = $2 }
        /^\*\*\*Statistics for: REQUEST-ACK\*\*\*/ { ra = 1; next }
        /^\*\*\*/ { ra = 0 }
        ra && /^received packets:/ { acks = $3 }
        ra && /^drops ratio:/ { drops = $3 }
        END {
            if (rate == "" || drops == "" || acks + 0 <= 0) exit 1
            print rate, drops, ticks * 1000 / hz / acks * 1000
        }
    ' "$dir/perfdhcp.out" >"$dir/result" || {
        echo "$name: no usable perfdhcp report; its output:" >&2
        tail -n 30 "$dir/perfdhcp.out" >&2
        return 1
    }
}

echo "perfdhcp -r $RATE -R $CLIENTS -p $DURATION, loopback relay; $RURU_BIN; no-op plugin $NOOP" >&2
declare -a NAMES=(none noop noop none)
declare -A SUM=([none]=0 [noop]=0)
declare -A CPU=([none]=0 [noop]=0)
printf '%-4s %-5s %12s %8s %16s\n' run hooks "leases/s" "drop %" "cpu ms/1k leases"
failed=0
for i in "${!NAMES[@]}"; do
    name="${NAMES[$i]}"
    if [[ "$name" == noop ]]; then hooks="[ { \"library\": \"$NOOP\" } ]"; else hooks="[]"; fi
    dir="$WORK/$i-$name"
    if run_one "$name" "$dir" "$hooks"; then
        read -r rate drops cpu <"$dir/result"
        printf '%-4s %-5s %12.0f %8s %16.1f\n' "$((i + 1))" "$name" "$rate" "$drops" "$cpu"
        SUM[$name]="$(awk -v a="${SUM[$name]}" -v b="$rate" 'BEGIN { print a + b }')"
        CPU[$name]="$(awk -v a="${CPU[$name]}" -v b="$cpu" 'BEGIN { print a + b }')"
    else
        printf '%-4s %-5s %12s %8s %16s\n' "$((i + 1))" "$name" failed - -
        failed=1
    fi
done

((failed == 0)) || die "a run failed; no overhead"
awk -v n="${SUM[none]}" -v p="${SUM[noop]}" -v cn="${CPU[none]}" -v cp="${CPU[noop]}" 'BEGIN {
    if (n <= 0) { print "overhead: n/a (nothing served without plugins)"; exit }
    printf "overhead (leases/s): %.2f %% (mean %.0f without plugins, %.0f with the no-op plugin)\n",
        (n - p) / n * 100, n / 2, p / 2
    if (cn > 0)
        printf "overhead (server CPU per lease): %.2f %% (mean %.1f vs %.1f ms per 1000 leases)\n",
            (cp - cn) / cn * 100, cn / 2, cp / 2
}'
