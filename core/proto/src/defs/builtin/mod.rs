//! The built-in option definitions of both families, written as tables of rows so each table reads
//! like the ARM's.

mod v4;
mod v6;

use super::{DataType, Family, OptionDef};

/// One table row: name, code, type, array, record fields, encapsulated space.
type Row = (
    &'static str,
    u16,
    DataType,
    bool,
    &'static [DataType],
    &'static str,
);

/// No record fields.
const NONE: &[DataType] = &[];

/// The rows of one option space.
struct Table {
    space: &'static str,
    rows: &'static [Row],
    /// Whether an `option-def` may replace these definitions (see [`super::OptionDefs::add`]).
    replaceable: bool,
}

fn def((name, code, data_type, array, records, encapsulate): Row, space: &str) -> OptionDef {
    OptionDef {
        name: name.to_owned(),
        code,
        space: space.to_owned(),
        data_type,
        array,
        record_types: records.to_vec(),
        encapsulate: encapsulate.to_owned(),
    }
}

/// Every built-in definition of `family`, with whether an `option-def` may replace it.
pub(super) fn definitions(family: Family) -> impl Iterator<Item = (OptionDef, bool)> {
    let tables = match family {
        Family::V4 => v4::TABLES,
        Family::V6 => v6::TABLES,
    };
    tables.iter().flat_map(|t| {
        t.rows
            .iter()
            .map(move |&row| (def(row, t.space), t.replaceable))
    })
}
