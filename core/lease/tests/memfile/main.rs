//! Integration tests of the memfile store against real files, the real `ruru-lfc` binary, a
//! process killed with SIGKILL, and files written by Kea 2.2, for both lease families.

mod kea_files;
mod kea_files6;
mod kill;
mod lfc;
mod scale;
mod support;
