#!/usr/bin/env bash
# DHCP latency under statistics polling (CTL-068): ruru-dhcp4 with 10,000 subnets, with and without a
# `statistic-get-all` every second, same machine, same load; then Kea under the same polling.
#
# Usage (as root, from anywhere in the repository):
#   scripts/bench/stats_polling.sh
#   RATE=2000 DURATION=60 scripts/bench/stats_polling.sh
#   RURU_DHCP4_BIN=/path/to/ruru-dhcp4 scripts/bench/stats_polling.sh   # skip the build
#   KEA=0 TRANSFER=0 scripts/bench/stats_polling.sh                       # Ruru quiet/polled only
#
# What it does:
#   1. Builds ruru-dhcp4 (`cargo build --release -p ruru-server`; honours CARGO_TARGET_DIR) unless
#      RURU_DHCP4_BIN names a binary.
#   2. Creates a private network namespace with 127.0.0.2 on its loopback (as scripts/bench/dhcp4.sh).
#   3. Writes a configuration with SUBNETS subnets: subnet 1 (10.0.0.0/12, relay 127.0.0.2) serves the
#      load, the others (10.16.0.0/24, 10.16.1.0/24, ...) each have a pool and so their statistics
#      (about 19 per subnet with its pool's); otherwise dhcp4.sh's (loopback relay mode, memfile with
#      persistence on, loggers at WARN, multi-threading 4 threads, queue 28), plus an HTTP control
#      socket on 127.0.0.1:8000. Kea 2.2's servers have no HTTP socket: its runs use a UNIX control
#      socket and kea-ctrl-agent on 127.0.0.1:8000, as Kea's operators poll it. Every poll names
#      "service": [ "dhcp4" ], which the agent needs and Ruru's server ignores.
#   4. Runs quiet, polled, transfer, transfer, polled, quiet, ROUNDS times (the order cancels slow
#      drift in machine load), each from an empty lease file, SETTLE seconds after the server answers
#      on its HTTP socket, under
#        perfdhcp -4 -l 127.0.0.2 -r $RATE -R $CLIENTS -p $DURATION -x t 127.0.0.1
#      "polled" runs also POST {"command": "statistic-get-all"} to the HTTP socket once a second for
#      the whole run, from one curl on one kept-alive connection (`--rate 1/s`), as a monitoring
#      system would; one poll before the load stands for a poller that was already running (the
#      first answer after a start writes every statistic, later ones only those that changed).
#      "transfer" runs are the baseline: the same curl fetches the same bytes (that warm-up answer)
#      once a second from static_answer.py, a file sent by sendfile, while ruru-dhcp4 serves the
#      load unpolled. On a two-core machine running perfdhcp, the server and the poller, moving
#      16 MB a second through loopback TCP and curl moves the DHCP p99 by itself, whatever serves
#      it; polled against transfer is the share of the server's own work.
#   5. Prints per run leases/s, drop %, and the DISCOVER-OFFER and REQUEST-ACK delays (p50, p99, max;
#      from perfdhcp's timestamps of every exchange, -x t); for polled and transfer runs also how
#      many polls were answered and how long one took (curl's time_total: the command plus the
#      transfer of the answer) and its size. Then the change of the mean p99 delays: polled against
#      quiet, transfer against quiet, and polled against transfer.
#   6. Then (KEA=1) Kea: kea-quiet, kea-polled, kea-polled, kea-quiet, ROUNDS times, the same way
#      (kea-dhcp4 with the same subnets behind kea-ctrl-agent), and Kea's polled against quiet.
#
# Environment:
#   SUBNETS         subnets in the configuration (default 10000)
#   RATE            offered DORA exchanges per second (default 1000)
#   DURATION        seconds of load per run (default 30)
#   CLIENTS         distinct simulated clients, perfdhcp -R (default 1000000)
#   SETTLE          seconds between the server's start and the load (default 3)
#   ROUNDS          how many times to run the six runs above (default 1); on a shared two-core
#                   machine p99 differs by 10-15 % between identical runs, so several rounds are
#                   needed before the mean p99s can be compared
#   TRANSFER        0 leaves out the transfer runs (quiet, polled, polled, quiet; default 1)
#   KEA             0 leaves out Kea's runs (default 1)
#   KEA_DHCP4_BIN, KEA_CTRL_AGENT_BIN   Kea's server and agent (default: from PATH)
#   RURU_DHCP4_BIN  ruru-dhcp4 to measure (default: build it, then <target>/release/ruru-dhcp4)
#
# Every step is bounded: a server gets 60 s to listen (10,000 subnets take a few seconds to load) and
# 10 s to stop, its HTTP socket 10 s to answer; perfdhcp gets DURATION + 30 s; each poll 10 s. Exit
# status is non-zero when any run failed.
set -euo pipefail

SUBNETS="${SUBNETS:-10000}"
RATE="${RATE:-1000}"
DURATION="${DURATION:-30}"
CLIENTS="${CLIENTS:-1000000}"
SETTLE="${SETTLE:-3}"
ROUNDS="${ROUNDS:-1}"
TRANSFER="${TRANSFER:-1}"
KEA="${KEA:-1}"
START_TIMEOUT=60
STOP_TIMEOUT=10
NS="ruru-bench-$$"
NS_PREFIX="ruru-bench-"
URL="http://127.0.0.1:8000/"
STATIC_PORT=8001

die() { echo "stats_polling.sh: $*" >&2; exit 1; }

for v in SUBNETS RATE DURATION CLIENTS SETTLE ROUNDS TRANSFER KEA; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a whole number"
done
((DURATION > 0)) || die "DURATION must be at least 1"
((ROUNDS > 0)) || die "ROUNDS must be at least 1"
((SUBNETS >= 1 && SUBNETS <= 65536)) || die "SUBNETS must be 1 to 65536 (10.16.0.0/24 onwards)"
[[ $EUID -eq 0 ]] || die "needs root (network namespace, port 67)"
for tool in ip ss perfdhcp curl timeout awk sort python3; do
    command -v "$tool" >/dev/null || die "missing tool: $tool"
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/bench/lib.sh
source "$ROOT/scripts/bench/lib.sh"
RURU_BIN="$(ruru_binary ruru-dhcp4 "${RURU_DHCP4_BIN:-}")" || die "no ruru-dhcp4: the build failed or RURU_DHCP4_BIN is not executable"
if ((KEA)); then
    KEA_BIN="${KEA_DHCP4_BIN:-$(command -v kea-dhcp4 || true)}"
    KEA_AGENT_BIN="${KEA_CTRL_AGENT_BIN:-$(command -v kea-ctrl-agent || true)}"
    [[ -x "$KEA_BIN" && -x "$KEA_AGENT_BIN" ]] ||
        die "kea-dhcp4 or kea-ctrl-agent not found (apt-get install kea-dhcp4-server kea-ctrl-agent), or KEA=0"
    mkdir -p /run/kea /var/run/kea /var/lib/kea
fi
POLL_BODY='{"command": "statistic-get-all", "service": [ "dhcp4" ]}'

POLLER_PID=""
HELPER_PID=""
bench_setup

# write_config DIR SERVER: DIR/dhcp4.json with $SUBNETS subnets for SERVER (ruru or kea; see the
# header); for kea also DIR/agent.json, kea-ctrl-agent's.
write_config() {
    local dir="$1" server="$2" control
    if [[ "$server" == kea ]]; then
        control="\"control-socket\": { \"socket-type\": \"unix\", \"socket-name\": \"$dir/kea4.sock\" },"
        cat >"$dir/agent.json" <<EOF
{ "Control-agent": {
  "http-host": "127.0.0.1", "http-port": 8000,
  "control-sockets": { "dhcp4": { "socket-type": "unix", "socket-name": "$dir/kea4.sock" } },
  "loggers": [ { "name": "kea-ctrl-agent", "output_options": [ { "output": "stdout" } ], "severity": "WARN" } ]
} }
EOF
    else
        control='"control-sockets": [ { "socket-type": "http", "socket-address": "127.0.0.1", "socket-port": 8000 } ],'
    fi
    awk -v dir="$dir" -v n="$SUBNETS" -v control="$control" 'BEGIN {
        print "{ \"Dhcp4\": {"
        print "  \"interfaces-config\": { \"interfaces\": [ \"lo/127.0.0.1\" ], \"dhcp-socket-type\": \"udp\" },"
        printf "  \"lease-database\": { \"type\": \"memfile\", \"persist\": true, \"lfc-interval\": 0, \"name\": \"%s/leases4.csv\" },\n", dir
        print "  \"multi-threading\": { \"enable-multi-threading\": true, \"thread-pool-size\": 4, \"packet-queue-size\": 28 },"
        print "  \"valid-lifetime\": 4000, \"renew-timer\": 1000, \"rebind-timer\": 2000,"
        print "  " control
        print "  \"subnet4\": ["
        printf "    { \"id\": 1, \"subnet\": \"10.0.0.0/12\", \"pools\": [ { \"pool\": \"10.0.0.1 - 10.15.255.254\" } ], \"relay\": { \"ip-addresses\": [ \"127.0.0.2\" ] } }"
        for (i = 0; i < n - 1; i++) {
            net = sprintf("10.%d.%d", 16 + int(i / 256), i % 256)
            printf ",\n    { \"id\": %d, \"subnet\": \"%s.0/24\", \"pools\": [ { \"pool\": \"%s.10 - %s.250\" } ] }", i + 2, net, net, net
        }
        print "\n  ],"
        print "  \"loggers\": [ { \"name\": \"kea-dhcp4\", \"output_options\": [ { \"output\": \"stdout\" } ], \"severity\": \"WARN\" } ]"
        print "} }"
    }' >"$dir/dhcp4.json"
}

# get_all FILE ANSWER: one statistic-get-all; appends "seconds bytes" to FILE (nothing when it
# failed) and keeps the answer in ANSWER.
get_all() {
    ip netns exec "$NS" curl -s -m 10 -o "$2" -w '%{time_total} %{size_download}\n' \
        -X POST -H 'Content-Type: application/json' -d "$POLL_BODY" "$URL" \
        >>"$1" 2>/dev/null || true
}

# start_helper PORT LOG COMMAND...: a helper of the run (static_answer.py, kea-ctrl-agent) in $NS
# (HELPER_PID), output to LOG, once it listens on TCP PORT (10 s at most).
start_helper() {
    local port="$1" log="$2"
    shift 2
    ip netns exec "$NS" "$@" >"$log" 2>&1 &
    HELPER_PID=$!
    local deadline=$((SECONDS + 10))
    until ip netns exec "$NS" ss -Htln "sport = :$port" | grep -q .; do
        ((SECONDS < deadline)) || { echo "$1 does not listen on $port; its log:" >&2; tail "$log" >&2; return 1; }
        sleep 0.1
    done
}

# stop_helper: stops the helper if one runs.
stop_helper() {
    [[ -n "$HELPER_PID" ]] || return 0
    kill "$HELPER_PID" 2>/dev/null || true
    wait "$HELPER_PID" 2>/dev/null || true
    HELPER_PID=""
}

# poll FILE SECONDS URL: one statistic-get-all a second for SECONDS seconds to URL from one client on
# one connection, as a scraper (Prometheus, Stork) does; appends "seconds bytes" per answer to FILE.
poll() {
    local file="$1" n="$2" url="$3" i targets=()
    for ((i = 0; i < n; i++)); do targets+=(-o /dev/null "$url"); done
    timeout --kill-after=5 $((n + 30)) ip netns exec "$NS" curl -s -m 10 --rate 1/s \
        -w '%{time_total} %{size_download}\n' -X POST -H 'Content-Type: application/json' \
        -d "$POLL_BODY" "${targets[@]}" >>"$file" 2>/dev/null || true
}

# delays FILE SECTION: "p50 p99 max" in ms of SECTION's exchanges (DISCOVER-OFFER or REQUEST-ACK)
# from perfdhcp's -x t timestamps ("sent / received: S / R", seconds).
delays() {
    awk -v want="***Timestamps for packets: $2***" '
        index($0, "***Timestamps for packets:") == 1 { on = ($0 == want); next }
        on && /^sent \/ received:/ { print ($6 - $4) * 1000 }
    ' "$1" | sort -g | awk '
        { d[NR] = $1 }
        END {
            if (NR == 0) exit 1
            p50 = d[int((NR - 1) * 0.50) + 1]; p99 = d[int((NR - 1) * 0.99) + 1]
            printf "%.3f %.3f %.3f\n", p50, p99, d[NR]
        }
    '
}

# run_one MODE DIR: a run of MODE (quiet, polled, transfer, kea-quiet or kea-polled); writes
# "leases/s drop% do_p50 do_p99 do_max ra_p50 ra_p99 ra_max polls poll_mean_s poll_max_s bytes" to
# DIR/result, details on stderr. Runs in the main shell (not a subshell) so the traps know
# SERVER_PID, POLLER_PID and HELPER_PID.
run_one() {
    local name="$1" dir="$2" deadline url="" server=ruru bin="$RURU_BIN"
    [[ "$name" != kea-* ]] || { server=kea; bin="$KEA_BIN"; }
    mkdir -p "$dir"
    write_config "$dir" "$server"
    start_server "$name" "$dir" 67 env KEA_PIDFILE_DIR="$dir" KEA_LOCKFILE_DIR="$dir" \
        ip netns exec "$NS" "$bin" -c "$dir/dhcp4.json" || return 1
    if [[ "$server" == kea ]]; then
        start_helper 8000 "$dir/agent.log" env KEA_PIDFILE_DIR="$dir" KEA_LOCKFILE_DIR="$dir" \
            "$KEA_AGENT_BIN" -c "$dir/agent.json" || { stop_helper; stop_server; return 1; }
    fi
    deadline=$((SECONDS + 10))
    until ip netns exec "$NS" curl -s -m 2 -X POST -H 'Content-Type: application/json' \
        -d '{"command": "status-get", "service": [ "dhcp4" ]}' "$URL" | grep -q '"result": 0'; do
        ((SECONDS < deadline)) || { echo "$name: control socket silent" >&2; stop_helper; stop_server; return 1; }
        sleep 0.2
    done
    # The first packets after a start with this many subnets meet the start's own work (a stall of
    # 100-400 ms on this machine); the comparison is about polling, so the load begins once it is over.
    sleep "$SETTLE"
    : >"$dir/polls"
    if [[ "$name" != *quiet ]]; then
        # A poller that was already running: the first answer after a start writes every statistic,
        # later ones only those that changed.
        get_all "$dir/warm-up" "$dir/answer.json"
        url="$URL"
        if [[ "$name" == transfer ]]; then
            start_helper "$STATIC_PORT" "$dir/static.log" \
                python3 "$ROOT/scripts/bench/static_answer.py" "$dir/answer.json" "$STATIC_PORT" ||
                { stop_helper; stop_server; return 1; }
            url="http://127.0.0.1:$STATIC_PORT/"
        fi
        poll "$dir/polls" "$DURATION" "$url" &
        POLLER_PID=$!
    fi
    timeout --kill-after=5 $((DURATION + 30)) \
        ip netns exec "$NS" perfdhcp -4 -l 127.0.0.2 -r "$RATE" -R "$CLIENTS" -p "$DURATION" -x t \
        127.0.0.1 >"$dir/perfdhcp.out" 2>&1 || true
    if [[ -n "$POLLER_PID" ]]; then
        wait "$POLLER_PID" 2>/dev/null || true
        POLLER_PID=""
    fi
    stop_helper
    stop_server
    rm -f "$dir/answer.json"
    local summary do_delays ra_delays poll_stats
    summary="$(awk '
        /^Rate:/ { rate = $2 }
        /^\*\*\*Statistics for: REQUEST-ACK\*\*\*/ { ra = 1; next }
        /^\*\*\*/ { ra = 0 }
        ra && /^drops ratio:/ { drops = $3 }
        END { if (rate == "" || drops == "") exit 1; print rate, drops }
    ' "$dir/perfdhcp.out")" &&
        do_delays="$(delays "$dir/perfdhcp.out" DISCOVER-OFFER)" &&
        ra_delays="$(delays "$dir/perfdhcp.out" REQUEST-ACK)" || {
        echo "$name: no usable perfdhcp report; its output:" >&2
        tail -n 30 "$dir/perfdhcp.out" >&2
        return 1
    }
    poll_stats="$(awk '
        { n++; sum += $1; if ($1 > max) max = $1; bytes = $2 }
        END { if (n == 0) print 0, 0, 0, 0; else printf "%d %.3f %.3f %d\n", n, sum / n, max, bytes }
    ' "$dir/polls")"
    # Too few answers means a broken poller; Kea's answers may simply be slow (that is a result).
    if [[ "$name" == polled || "$name" == transfer ]] && ((${poll_stats%% *} < DURATION / 2)); then
        echo "$name: only ${poll_stats%% *} of about $DURATION polls answered" >&2
        return 1
    fi
    echo "$summary $do_delays $ra_delays $poll_stats" >"$dir/result"
}

echo "$SUBNETS subnets; perfdhcp -r $RATE -R $CLIENTS -p $DURATION -x t, loopback relay; $RURU_BIN" >&2
declare -a NAMES=()
for ((r = 0; r < ROUNDS; r++)); do
    if ((TRANSFER)); then
        NAMES+=(quiet polled transfer transfer polled quiet)
    else
        NAMES+=(quiet polled polled quiet)
    fi
done
if ((KEA)); then
    for ((r = 0; r < ROUNDS; r++)); do NAMES+=(kea-quiet kea-polled kea-polled kea-quiet); done
fi
declare -A DO99=([quiet]=0 [polled]=0 [transfer]=0 [kea-quiet]=0 [kea-polled]=0)
declare -A RA99=([quiet]=0 [polled]=0 [transfer]=0 [kea-quiet]=0 [kea-polled]=0)
printf '%-3s %-10s %9s %7s | %-22s | %-22s | %s\n' run mode "leases/s" "drop %" \
    "DISCOVER-OFFER ms" "REQUEST-ACK ms" "statistic-get-all"
printf '%-3s %-10s %9s %7s | %6s %7s %7s | %6s %7s %7s | %s\n' "" "" "" "" \
    p50 p99 max p50 p99 max "polls, mean/max s, MB"
failed=0
for i in "${!NAMES[@]}"; do
    name="${NAMES[$i]}"
    dir="$WORK/$i-$name"
    if run_one "$name" "$dir"; then
        read -r rate drops dp50 dp99 dmax rp50 rp99 rmax polls pmean pmax bytes <"$dir/result"
        if [[ "$name" != *quiet ]]; then
            polling="$(awk -v n="$polls" -v a="$pmean" -v m="$pmax" -v b="$bytes" \
                'BEGIN { printf "%d, %.3f/%.3f, %.1f", n, a, m, b / 1e6 }')"
        else
            polling="-"
        fi
        printf '%-3s %-10s %9.0f %7s | %6.3f %7.3f %7.3f | %6.3f %7.3f %7.3f | %s\n' "$((i + 1))" \
            "$name" "$rate" "$drops" "$dp50" "$dp99" "$dmax" "$rp50" "$rp99" "$rmax" "$polling"
        DO99[$name]="$(awk -v a="${DO99[$name]}" -v b="$dp99" 'BEGIN { print a + b }')"
        RA99[$name]="$(awk -v a="${RA99[$name]}" -v b="$rp99" 'BEGIN { print a + b }')"
    else
        printf '%-3s %-10s %9s %7s | %s\n' "$((i + 1))" "$name" failed - -
        failed=1
    fi
done

((failed == 0)) || die "a run failed; no comparison"
# compare WHAT A B: the change of the mean p99s of mode A against mode B (2 * ROUNDS runs each).
compare() {
    awk -v what="$1" -v n=$((2 * ROUNDS)) -v da="${DO99[$2]}" -v db="${DO99[$3]}" \
        -v ra="${RA99[$2]}" -v rb="${RA99[$3]}" 'BEGIN {
        printf "p99 change, %s: DISCOVER-OFFER %+.1f %% (%.3f vs %.3f ms), REQUEST-ACK %+.1f %% (%.3f vs %.3f ms)\n",
            what, (da / db - 1) * 100, da / n, db / n, (ra / rb - 1) * 100, ra / n, rb / n
    }'
}
compare "polled against quiet" polled quiet
if ((TRANSFER)); then
    compare "transfer against quiet (the answer's bytes alone)" transfer quiet
    compare "polled against transfer (the server's own share)" polled transfer
fi
((KEA == 0)) || compare "Kea $("$KEA_BIN" -v 2>/dev/null || echo '?'), polled against quiet" kea-polled kea-quiet
