//! The field encodings both lease families share (CTL-087): how a row is put together, and how the
//! lifetime, state and user context columns read. Each codec lists its columns; this module says
//! once how a number, an identifier, a flag, escaped text or a user context looks in a row.

use std::fmt::Display;
use std::io::Write;
use std::net::Ipv4Addr;

use serde_json::{Map, Value};

use crate::csv::{put_hex, put_uint, write_escaped, Row};
use crate::{kea_json, LeaseState};

/// Appends one row field by field: commas between fields, the newline at [`end`](Self::end).
pub(crate) struct RowWriter<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> RowWriter<'a> {
    /// Starts a row at the end of `out`.
    pub(crate) fn new(out: &'a mut Vec<u8>) -> Self {
        Self { out, first: true }
    }

    /// The buffer, after the separator of the next field.
    fn field(&mut self) -> &mut Vec<u8> {
        if !std::mem::take(&mut self.first) {
            self.out.push(b',');
        }
        self.out
    }

    /// A decimal number.
    pub(crate) fn uint(&mut self, v: impl Into<u64>) -> &mut Self {
        put_uint(self.field(), v.into());
        self
    }

    /// A decimal number, or nothing.
    pub(crate) fn opt_uint(&mut self, v: Option<impl Into<u64>>) -> &mut Self {
        let out = self.field();
        if let Some(v) = v {
            put_uint(out, v.into());
        }
        self
    }

    /// Colon-separated hex (`01:ab`), or nothing.
    pub(crate) fn hex(&mut self, bytes: Option<&[u8]>) -> &mut Self {
        put_hex(self.field(), bytes.unwrap_or_default());
        self
    }

    /// `1` or `0`.
    pub(crate) fn flag(&mut self, v: bool) -> &mut Self {
        self.field().push(if v { b'1' } else { b'0' });
        self
    }

    /// Text with Kea's `&#xHH` escaping.
    pub(crate) fn text(&mut self, text: &str) -> &mut Self {
        write_escaped(self.field(), text);
        self
    }

    /// An IPv4 address, dotted quad (by hand: rows are encoded on the packet path, and `fmt` is
    /// several times slower).
    pub(crate) fn ipv4(&mut self, addr: Ipv4Addr) -> &mut Self {
        let out = self.field();
        for (i, octet) in addr.octets().into_iter().enumerate() {
            if i > 0 {
                out.push(b'.');
            }
            put_uint(out, octet.into());
        }
        self
    }

    /// A value's `Display` form (an IPv6 address; never a comma).
    pub(crate) fn display(&mut self, v: impl Display) -> &mut Self {
        // Writing to a `Vec` cannot fail.
        let _ = write!(self.field(), "{v}");
        self
    }

    /// A user context as Kea lays out JSON, escaped; nothing when there is none.
    pub(crate) fn context(&mut self, ctx: Option<&Map<String, Value>>) -> &mut Self {
        let out = self.field();
        if let Some(ctx) = ctx {
            let mut json = String::new();
            kea_json::write_map(ctx, &mut json);
            write_escaped(out, &json);
        }
        self
    }

    /// Ends the row.
    pub(crate) fn end(self) {
        self.out.push(b'\n');
    }
}

/// Readers of the columns whose meaning is the same in both families.
impl Row<'_> {
    /// The client last transaction time, from the `expire` column and the valid lifetime
    /// (Kea stores `expire = cltt + valid_lifetime`).
    pub(crate) fn cltt(&self, expire_col: usize, valid_lifetime: u32) -> Result<u64, String> {
        let expire: u64 = self.number(expire_col, "expire")?;
        expire
            .checked_sub(u64::from(valid_lifetime))
            .ok_or_else(|| {
                format!("expire {expire} is earlier than the valid lifetime {valid_lifetime}")
            })
    }

    /// A lease state number (V4-076).
    pub(crate) fn state(&self, i: usize) -> Result<LeaseState, String> {
        let n: u32 = self.number(i, "state")?;
        LeaseState::from_u32(n).ok_or_else(|| format!("invalid state {n}"))
    }

    /// A user context: escaped JSON text that must be a map; empty is none.
    pub(crate) fn context(&self, i: usize) -> Result<Option<Map<String, Value>>, String> {
        match self.text(i)? {
            ctx if ctx.is_empty() => Ok(None),
            ctx => kea_json::read_map(&ctx).map(Some),
        }
    }
}
