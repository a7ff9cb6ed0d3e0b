#!/usr/bin/env bash
# DHCPv6 throughput: Ruru against Kea, side by side on this machine.
#
# Usage (as root, from anywhere in the repository):
#   scripts/bench/dhcp6.sh                          # 15000 exchanges/s offered for 10 s
#   scripts/bench/dhcp6.sh --rate 20000 --duration 20
#   scripts/bench/dhcp6.sh --only kea               # Kea alone (no build), e.g. to check the setup
#   RURU_DHCP6_BIN=/path/to/ruru-dhcp6 scripts/bench/dhcp6.sh   # skip the build
#
# What it does:
#   1. Builds ruru-dhcp6 (`cargo build --release -p ruru-server`; honours CARGO_TARGET_DIR) unless
#      RURU_DHCP6_BIN names a binary or only Kea runs.
#   2. Creates two private network namespaces joined by a veth pair (DHCPv6 needs link-local
#      addresses, which loopback lacks): the server's, whose end has 2001:db8:1::1/64, and the
#      load generator's. Duplicate address detection is off, so both ends are usable at once.
#   3. Runs Kea, Ruru, Ruru, Kea (the order cancels slow drift in machine load), each from an empty
#      lease file with the same config: the server's veth interface, one subnet selected by that
#      interface with a whole /64 as its pool, memfile with persistence on, loggers at WARN, and
#      multi-threading with 2 threads.
#   4. Loads each with the same perfdhcp command from the client namespace:
#        perfdhcp -6 -l <client veth> -r $RATE -R $CLIENTS -p $DURATION
#      and prints per run the SOLICITs actually sent per second (offered), REPLYs to REQUESTs
#      received per second (leases/s), the share of exchanges that did not complete (drop %), then
#      Ruru/Kea (mean of each).
#
# Options (environment variables of the same name in capitals give the defaults):
#   --rate N       offered 4-way exchanges per second (default 15000)
#   --duration S   seconds of load per run (default 10)
#   --clients N    distinct simulated clients, perfdhcp -R (default 1000000)
#   --only NAME    run only `kea` or only `ruru` (twice each; no ratio)
# Environment:
#   RURU_DHCP6_BIN  ruru-dhcp6 to measure (default: build it, then <target>/release/ruru-dhcp6)
#   KEA_DHCP6_BIN   kea-dhcp6 to measure (default: from PATH)
#
# Every step is bounded: a server gets 20 s to listen and 10 s to stop; perfdhcp gets
# DURATION + 30 s. Exit status is non-zero when any run failed.
set -euo pipefail

RATE="${RATE:-15000}"
DURATION="${DURATION:-10}"
CLIENTS="${CLIENTS:-1000000}"
ONLY=""
START_TIMEOUT=20
STOP_TIMEOUT=10
NS="ruru-bench-$$"
NS_PREFIX="ruru-bench-"
VETH_S="rbs$$"
VETH_C="rbc$$"

die() { echo "dhcp6.sh: $*" >&2; exit 1; }

while (($#)); do
    case "$1" in
        --rate) RATE="${2:-}"; shift 2 || die "--rate needs a value" ;;
        --duration) DURATION="${2:-}"; shift 2 || die "--duration needs a value" ;;
        --clients) CLIENTS="${2:-}"; shift 2 || die "--clients needs a value" ;;
        --only) ONLY="${2:-}"; shift 2 || die "--only needs a value" ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done

[[ "$RATE" =~ ^[1-9][0-9]*$ && "$DURATION" =~ ^[1-9][0-9]*$ && "$CLIENTS" =~ ^[1-9][0-9]*$ ]] ||
    die "rate, duration and clients must be positive whole numbers"
case "$ONLY" in "" | kea | ruru) ;; *) die "--only takes kea or ruru, not $ONLY" ;; esac
[[ $EUID -eq 0 ]] || die "needs root (network namespaces, port 547)"
for tool in ip ss perfdhcp timeout awk; do
    command -v "$tool" >/dev/null || die "missing tool: $tool"
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/bench/lib.sh
source "$ROOT/scripts/bench/lib.sh"

KEA_BIN=""
if [[ "$ONLY" != ruru ]]; then
    KEA_BIN="${KEA_DHCP6_BIN:-$(command -v kea-dhcp6 || true)}"
    [[ -x "$KEA_BIN" ]] || die "kea-dhcp6 not found (apt-get install kea-dhcp6-server) or set KEA_DHCP6_BIN"
fi
RURU_BIN=""
if [[ "$ONLY" != kea ]]; then
    RURU_BIN="$(ruru_binary ruru-dhcp6 "${RURU_DHCP6_BIN:-}")" || die "no ruru-dhcp6: the build failed or RURU_DHCP6_BIN is not executable"
fi

WORK="$(mktemp -d /tmp/ruru-bench6-XXXXXX)"

cleanup() {
    if [[ -n "$SERVER_PID" ]]; then
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    remove_bench_veth_ns
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

make_bench_veth_ns || die "cannot set up the veth pair"
mkdir -p /run/kea /var/run/kea /var/lib/kea

# write_config DIR: the one config both servers run.
write_config() {
    local dir="$1"
    cat >"$dir/dhcp6.json" <<EOF
{
  "Dhcp6": {
    "interfaces-config": { "interfaces": [ "$VETH_S" ] },
    "lease-database": { "type": "memfile", "persist": true, "lfc-interval": 0,
                        "name": "$dir/leases6.csv" },
    "multi-threading": { "enable-multi-threading": true, "thread-pool-size": 2,
                         "packet-queue-size": 64 },
    "preferred-lifetime": 3000,
    "valid-lifetime": 4000,
    "renew-timer": 1000,
    "rebind-timer": 2000,
    "subnet6": [ {
      "id": 1,
      "subnet": "2001:db8:2::/64",
      "interface": "$VETH_S",
      "pools": [ { "pool": "2001:db8:2::/64" } ]
    } ],
    "loggers": [ { "name": "kea-dhcp6", "output_options": [ { "output": "stdout" } ],
                   "severity": "WARN" } ]
  }
}
EOF
}

# run_one NAME BINARY DIR: writes "solicits_sent replies_received" to DIR/result, details on stderr.
# Runs in the main shell (not a subshell) so the traps know SERVER_PID.
run_one() {
    local name="$1" bin="$2" dir="$3"
    mkdir -p "$dir"
    write_config "$dir"
    start_server "$name" "$dir" 547 env KEA_PIDFILE_DIR="$dir" KEA_LOCKFILE_DIR="$dir" \
        ip netns exec "$NS" "$bin" -c "$dir/dhcp6.json" || return 1
    timeout --kill-after=5 $((DURATION + 30)) \
        ip netns exec "$NS-c" perfdhcp -6 -l "$VETH_C" -r "$RATE" -R "$CLIENTS" -p "$DURATION" \
        >"$dir/perfdhcp.out" 2>&1 || true
    stop_server
    awk '
        /^\*\*\*Statistics for: SOLICIT-ADVERTISE\*\*\*/ { sec = "sa"; next }
        /^\*\*\*Statistics for: REQUEST-REPLY\*\*\*/ { sec = "rr"; next }
        /^\*\*\*/ { sec = "" }
        sec == "sa" && /^sent packets:/ { solicits = $3 }
        sec == "rr" && /^received packets:/ { replies = $3 }
        END { if (solicits == "" || replies == "") exit 1; print solicits, replies }
    ' "$dir/perfdhcp.out" >"$dir/result" || {
        echo "$name: no perfdhcp report; its output:" >&2
        tail -n 30 "$dir/perfdhcp.out" >&2
        return 1
    }
}

KEA_DESC="not run"
if [[ -n "$KEA_BIN" ]]; then KEA_DESC="$("$KEA_BIN" -v 2>/dev/null || echo '?') ($KEA_BIN)"; fi
echo "perfdhcp -6 -r $RATE -R $CLIENTS -p $DURATION over a veth pair;" \
    "Kea $KEA_DESC, Ruru ${RURU_BIN:-not run}" >&2
case "$ONLY" in
    kea) NAMES=(kea kea) ;;
    ruru) NAMES=(ruru ruru) ;;
    *) NAMES=(kea ruru ruru kea) ;;
esac
declare -A SUM=([kea]=0 [ruru]=0)
# offered/s: SOLICITs perfdhcp managed to send per second; far below the rate asked for means the
# load generator, not the server, was the limit in that run. drop %: exchanges started that got
# no REPLY to their REQUEST.
printf '%-4s %-5s %10s %10s %8s\n' run server "offered/s" "leases/s" "drop %"
failed=0
for i in "${!NAMES[@]}"; do
    name="${NAMES[$i]}"
    if [[ "$name" == kea ]]; then bin="$KEA_BIN"; else bin="$RURU_BIN"; fi
    dir="$WORK/$i-$name"
    if run_one "$name" "$bin" "$dir"; then
        read -r solicits replies <"$dir/result"
        read -r offered leases drops < <(awk -v s="$solicits" -v r="$replies" -v d="$DURATION" \
            'BEGIN { printf "%.0f %.0f %.2f\n", s / d, r / d, (s > 0 ? 100 * (s - r) / s : 100) }')
        printf '%-4s %-5s %10s %10s %8s\n' "$((i + 1))" "$name" "$offered" "$leases" "$drops"
        SUM[$name]="$(awk -v a="${SUM[$name]}" -v b="$leases" 'BEGIN { print a + b }')"
    else
        printf '%-4s %-5s %10s %10s %8s\n' "$((i + 1))" "$name" failed - -
        failed=1
    fi
done

((failed == 0)) || die "a run failed; no ratio"
if [[ -n "$ONLY" ]]; then
    awk -v s="${SUM[$ONLY]}" -v n="$ONLY" 'BEGIN { printf "%s: mean %.0f leases/s\n", n, s / 2 }'
    exit 0
fi
awk -v r="${SUM[ruru]}" -v k="${SUM[kea]}" 'BEGIN {
    if (k <= 0) { print "Ruru/Kea: n/a (Kea served nothing)"; exit }
    printf "Ruru/Kea: %.2f (mean %.0f vs %.0f leases/s)\n", r / k, r / 2, k / 2
}'
