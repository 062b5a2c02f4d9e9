// PostgreSQL's text formats, both directions: COPY's text rows (tab-separated
// fields, \N for null, backslash escapes) and the text output of single
// values (including array literals {a,"b c",NULL}), decoded into
// types::Column; and column values encoded as COPY text (the JDBC sink).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "types/column.h"

namespace mortar::sql {

// Splits one COPY text row (without its '\n') into fields, unescaping each;
// null fields are reported through `is_null`. Reuses the vectors' storage.
void split_copy_row(std::string_view row, std::vector<std::string>& fields,
                    std::vector<bool>& is_null);

// Appends `text` (PostgreSQL's text output of one value, already
// COPY-unescaped) to `col`, parsed for the column's type; InvalidArgument
// with what did not parse (the caller adds column and row).
Status append_pg_text(types::Column& col, std::string_view text);

// Appends row `row` of `col` to `out` as a COPY text field (\N for null);
// nested values other than arrays of scalars are JSON text.
void append_copy_field(std::string& out, const types::Column& col, int64_t row);

}  // namespace mortar::sql
