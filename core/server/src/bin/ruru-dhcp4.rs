//! `ruru-dhcp4`: the DHCPv4 server, a drop-in for `kea-dhcp4`.

fn main() -> std::process::ExitCode {
    ruru_server::dhcp4::main(ruru_server::cli::Args::parse_as("ruru-dhcp4"))
}
