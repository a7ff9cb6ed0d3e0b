//! The output file of lease-dump, overwritten as kea-admin overwrites it.

use std::io::BufRead;
use std::path::Path;

use crate::cli::Command;
use crate::Failure;

/// An existing `out` is removed with `-y`; otherwise the user is asked on a terminal, and anything
/// but `y` (or no terminal) aborts.
pub(crate) fn check_overwrite(out: &Path, yes: bool, command: Command) -> Result<(), Failure> {
    if !out.exists() {
        return Ok(());
    }
    if !yes {
        println!(
            "Output file, {}, exists and will be overwritten.",
            out.display()
        );
        println!("Do you wish to continue? (y/N)");
        // SAFETY: isatty only inspects file descriptor 0.
        let answer = if unsafe { libc::isatty(0) } == 1 {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| Failure::new(1, e.to_string()))?;
            line.trim().to_owned()
        } else {
            println!("WARNING/ruru-admin: Non-interactive tty detected. Assuming no.");
            String::new()
        };
        if answer != "y" {
            return Err(Failure::new(
                1,
                format!("{} aborted by user.", command.name()),
            ));
        }
    }
    println!("INFO/ruru-admin: Removing file {}...", out.display());
    std::fs::remove_file(out)
        .map_err(|e| Failure::new(1, format!("cannot remove {}: {e}", out.display())))
}
