//! `ruru-dhcp6`: the DHCPv6 server, a drop-in for `kea-dhcp6`.

fn main() -> std::process::ExitCode {
    ruru_server::dhcp6::main(ruru_server::cli::Args::parse_as("ruru-dhcp6"))
}
