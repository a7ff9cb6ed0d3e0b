#!/usr/bin/env bash
# Runs Ruru's whole test suite: unit tests, in-process exchanges, and end-to-end tests with real
# clients in network namespaces (needs root, Kea, perfdhcp, dhclient, udhcpc, tcpdump: see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
# End-to-end tests start the real binaries; build them first (release: the harness prefers it).
cargo build --release --workspace --bins --lib
cargo test --release --workspace "$@"
