//! `ruru-lfc`: lease file cleanup, compatible with Kea's `kea-lfc` command line.

fn main() {}
