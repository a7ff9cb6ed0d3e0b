//! Kea's lease-file CSV dialect, shared by every lease family.
//!
//! A file is a header line naming the columns, then one row per lease change. Fields are separated
//! by commas and never quoted; text fields escape special characters as `&#xHH` (two hex digits of
//! the byte), the way Kea writes them. A [`Codec`] maps one lease type to and from a row; this
//! module knows nothing of any lease type.

use std::borrow::Cow;

/// Most columns any lease family has (v6 has 18).
pub(crate) const MAX_COLUMNS: usize = 24;

/// Maps one lease type to and from CSV rows. Lease6 implements this beside Lease4, and the file
/// machinery (loading, appending, cleanup) is written once against it.
pub(crate) trait Codec {
    /// The lease record.
    type Lease: Clone;
    /// The primary key: one live lease per key, the last row wins.
    type Key: Ord + Copy;

    /// The header line this version writes: the column names, in order, as Kea 2.7 writes them.
    const HEADER: &'static str;
    /// How many leading columns every file has (Kea's minimum valid columns: up to `hostname`).
    const REQUIRED: usize;
    /// The values assumed for the columns after the required ones, in order, when a file's
    /// header lacks them (files of older versions).
    const DEFAULTS: &'static [&'static str];

    /// The key of `lease`.
    fn key(lease: &Self::Lease) -> Self::Key;

    /// True for a row that records a deletion (Kea writes the lease with valid lifetime 0).
    fn is_deletion(lease: &Self::Lease) -> bool;

    /// Appends the row for `lease`, newline included. With `deletion` the row records that the
    /// lease was deleted.
    fn encode(lease: &Self::Lease, deletion: bool, out: &mut Vec<u8>);

    /// Parses a row whose fields are given in `HEADER` order.
    fn decode(row: &Row<'_>) -> Result<Self::Lease, String>;
}

/// The header line of codec `C`, without the newline.
pub(crate) fn header_line<C: Codec>() -> String {
    C::HEADER.to_owned()
}

/// Bytes escaped in text fields: the separator, the escape's own first byte (so literal `&#x`
/// survives), and line breaks, which Kea writes raw and thereby corrupts the row.
fn needs_escape(b: u8) -> bool {
    matches!(b, b',' | b'&' | b'\n' | b'\r')
}

/// Appends `text` with Kea's `&#xHH` escaping.
pub(crate) fn write_escaped(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if needs_escape(b) {
            out.extend_from_slice(&bytes[start..i]);
            let mut hex = [0u8; 5];
            hex[..3].copy_from_slice(b"&#x");
            hex[3] = HEX[usize::from(b >> 4)];
            hex[4] = HEX[usize::from(b & 0xf)];
            out.extend_from_slice(&hex);
            start = i + 1;
        }
    }
    out.extend_from_slice(&bytes[start..]);
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Undoes [`write_escaped`]: every `&#x` followed by two hex digits becomes that byte; anything
/// else is kept as is, as Kea does.
pub(crate) fn unescape(field: &str) -> Result<Cow<'_, str>, String> {
    if !field.contains("&#x") {
        return Ok(Cow::Borrowed(field));
    }
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"&#x") {
            let digits = bytes
                .get(i + 3..i + 5)
                .and_then(|d| std::str::from_utf8(d).ok());
            if let Some(v) = digits.and_then(|d| u8::from_str_radix(d, 16).ok()) {
                out.push(v);
                i += 5;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| "escaped text is not UTF-8".to_owned())
}

/// How a file's header maps onto a codec's columns. Columns are matched by name, so files written
/// by older versions (fewer columns) and newer ones (unknown columns, dropped) both load (CTL-088).
pub(crate) struct ColumnMap {
    /// For each column of the file, the codec column it feeds, if known.
    file_to_codec: Vec<Option<usize>>,
    /// True when the header is exactly the one this version writes.
    current: bool,
}

impl ColumnMap {
    /// Checks a header line against codec `C`.
    pub(crate) fn new<C: Codec>(header: &str) -> Result<Self, String> {
        let names: Vec<&str> = header.split(',').collect();
        if names.len() > MAX_COLUMNS * 4 {
            return Err(format!("header has {} columns", names.len()));
        }
        let mut seen = [false; MAX_COLUMNS];
        let mut file_to_codec = Vec::with_capacity(names.len());
        for name in &names {
            let idx = C::HEADER.split(',').position(|c| c == *name);
            if let Some(i) = idx {
                if std::mem::replace(&mut seen[i], true) {
                    return Err(format!("column {name:?} appears twice in the header"));
                }
            }
            file_to_codec.push(idx);
        }
        if let Some(missing) = C::HEADER
            .split(',')
            .zip(seen)
            .take(C::REQUIRED)
            .find_map(|(name, seen)| (!seen).then_some(name))
        {
            return Err(format!(
                "not a lease file header: column {missing:?} is missing"
            ));
        }
        Ok(Self {
            file_to_codec,
            current: header == C::HEADER,
        })
    }

    /// True when rows can be appended to the file as this version writes them.
    pub(crate) fn is_current(&self) -> bool {
        self.current
    }

    /// Splits `line` into a [`Row`] in codec column order. A row shorter than the header is
    /// rejected; fields past the header are ignored, as Kea does.
    pub(crate) fn row<'a, C: Codec>(&self, line: &'a str) -> Result<Row<'a>, String> {
        let mut fields: [&'a str; MAX_COLUMNS] = [""; MAX_COLUMNS];
        fields[C::REQUIRED..C::REQUIRED + C::DEFAULTS.len()].copy_from_slice(C::DEFAULTS);
        let mut values = line.split(',');
        for (n, slot) in self.file_to_codec.iter().enumerate() {
            let value = values.next().ok_or_else(|| {
                format!(
                    "row has {n} fields, the header {}",
                    self.file_to_codec.len()
                )
            })?;
            if let Some(i) = slot {
                fields[*i] = value;
            }
        }
        Ok(Row { fields })
    }
}

/// One row's fields in codec column order (missing columns hold their defaults).
pub(crate) struct Row<'a> {
    fields: [&'a str; MAX_COLUMNS],
}

impl<'a> Row<'a> {
    /// Codec column `i` parsed as a number; `what` names it in the error.
    pub(crate) fn number<T: std::str::FromStr>(&self, i: usize, what: &str) -> Result<T, String> {
        let v = self.fields[i];
        v.parse().map_err(|_| format!("invalid {what} {v:?}"))
    }

    /// Codec column `i` as a flag written `0` or `1`.
    pub(crate) fn flag(&self, i: usize, what: &str) -> Result<bool, String> {
        match self.fields[i] {
            "0" => Ok(false),
            "1" => Ok(true),
            v => Err(format!("invalid {what} {v:?}: must be 0 or 1")),
        }
    }

    /// Codec column `i` parsed with `FromStr`; `None` when the field is empty.
    pub(crate) fn optional<T>(&self, i: usize) -> Result<Option<T>, String>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        match self.fields[i] {
            "" => Ok(None),
            v => v.parse().map(Some).map_err(|e: T::Err| e.to_string()),
        }
    }

    /// Codec column `i` with escapes undone.
    pub(crate) fn text(&self, i: usize) -> Result<Cow<'a, str>, String> {
        unescape(self.fields[i])
    }
}

/// The row of `lease` (or of its deletion) as text, for the codecs' tests.
#[cfg(test)]
pub(crate) fn encode_row<C: Codec>(lease: &C::Lease, deletion: bool) -> String {
    let mut out = Vec::new();
    C::encode(lease, deletion, &mut out);
    String::from_utf8(out).expect("rows are UTF-8")
}

/// `line` decoded as a row of a file with `header`, for the codecs' tests.
#[cfg(test)]
pub(crate) fn decode_row<C: Codec>(header: &str, line: &str) -> Result<C::Lease, String> {
    C::decode(&ColumnMap::new::<C>(header)?.row::<C>(line)?)
}

/// Appends the decimal digits of `v` (the row encoders' hot path; `fmt` is several times slower).
pub(crate) fn put_uint(out: &mut Vec<u8>, mut v: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// Appends `bytes` as colon-separated lower-case hex (`01:aa`).
pub(crate) fn put_hex(out: &mut Vec<u8>, bytes: &[u8]) {
    for (i, &b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(b':');
        }
        out.extend_from_slice(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // CTL-087: commas become `&#x2c`; `&` is escaped too so a literal escape survives (Kea writes
    // `&#x26` for it).
    #[test]
    fn ctl_087_escaping_matches_kea() {
        let mut out = Vec::new();
        write_escaped(&mut out, "host,with,commas&#x2c and amp &");
        assert_eq!(
            String::from_utf8(out.clone()).unwrap(),
            "host&#x2cwith&#x2ccommas&#x26#x2c and amp &#x26"
        );
        assert_eq!(
            unescape(std::str::from_utf8(&out).unwrap()).unwrap(),
            "host,with,commas&#x2c and amp &"
        );
    }

    #[test]
    fn numbers_and_hex() {
        let mut out = Vec::new();
        for v in [0, 7, 10, 4_294_967_295, u64::MAX] {
            put_uint(&mut out, v);
            out.push(b' ');
        }
        put_hex(&mut out, &[0x01, 0xab, 0x00]);
        put_hex(&mut out, &[]);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0 7 10 4294967295 18446744073709551615 01:ab:00"
        );
    }

    #[test]
    fn line_breaks_are_escaped() {
        let mut out = Vec::new();
        write_escaped(&mut out, "a\nb\rc");
        assert_eq!(out, b"a&#x0ab&#x0dc");
        assert_eq!(unescape("a&#x0ab&#x0dc").unwrap(), "a\nb\rc");
    }

    #[test]
    fn malformed_escapes_are_kept() {
        assert_eq!(unescape("&#x").unwrap(), "&#x");
        assert_eq!(unescape("a&#xzz").unwrap(), "a&#xzz");
        assert_eq!(unescape("&#x4").unwrap(), "&#x4");
        assert_eq!(unescape("&#x41&#X41").unwrap(), "A&#X41");
        assert!(unescape("&#xff").is_err());
        assert_eq!(unescape("&#xc3&#xa9").unwrap(), "é");
    }

    struct Two;
    impl Codec for Two {
        type Lease = (u32, u32);
        type Key = u32;
        const HEADER: &'static str = "a,b,c";
        const REQUIRED: usize = 2;
        const DEFAULTS: &'static [&'static str] = &["7"];
        fn key(l: &(u32, u32)) -> u32 {
            l.0
        }
        fn is_deletion(l: &(u32, u32)) -> bool {
            l.1 == 0
        }
        fn encode(l: &(u32, u32), _: bool, out: &mut Vec<u8>) {
            put_uint(out, l.0.into());
            out.push(b',');
            put_uint(out, l.1.into());
            out.extend_from_slice(b",\n");
        }
        fn decode(row: &Row<'_>) -> Result<(u32, u32), String> {
            Ok((row.number(0, "a")?, row.number(2, "c")?))
        }
    }

    // CTL-088: columns are found by name; missing optional columns take defaults, unknown ones
    // are dropped; required ones must be there.
    #[test]
    fn ctl_088_header_mapping() {
        let map = ColumnMap::new::<Two>("b,a").unwrap();
        assert!(!map.is_current());
        let row = map.row::<Two>("x,5").unwrap();
        assert_eq!(Two::decode(&row), Ok((5, 7)));
        let map = ColumnMap::new::<Two>("a,b,c,future").unwrap();
        assert_eq!(Two::decode(&map.row::<Two>("1,2,3,4").unwrap()), Ok((1, 3)));
        assert!(map.row::<Two>("1,2,3").is_err());
        assert_eq!(
            Two::decode(&map.row::<Two>("1,2,3,4,5").unwrap()),
            Ok((1, 3))
        );
        assert!(ColumnMap::new::<Two>("a,b,c").unwrap().is_current());
        assert!(ColumnMap::new::<Two>("a,c").is_err());
        assert!(ColumnMap::new::<Two>("a,b,a").is_err());
        assert!(ColumnMap::new::<Two>("").is_err());
    }

    /// A codec's header, required columns and defaults describe the same columns, within
    /// [`MAX_COLUMNS`].
    fn assert_layout<C: Codec>() {
        let columns = C::HEADER.split(',').count();
        assert_eq!(columns, C::REQUIRED + C::DEFAULTS.len(), "{}", C::HEADER);
        assert!(columns <= MAX_COLUMNS);
    }

    #[test]
    fn codec_layouts_are_consistent() {
        assert_layout::<Two>();
        assert_layout::<crate::codec4::Codec4>();
        assert_layout::<crate::codec6::Codec6>();
    }
}
