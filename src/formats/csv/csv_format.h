// The "csv" Format: extensions .csv/.tsv (.tsv defaults to a tab separator).
#pragma once

#include "formats/format.h"

namespace mortar::formats {

const Format& csv_format();

namespace csv {
// The separator among , \t ; | that splits the first lines of `head` into
// the same number (> 1) of fields most consistently; '\0' when none does.
// (Glue's CSV classifier considers the same candidates.)
char detect_separator(std::string_view head);
}  // namespace csv

}  // namespace mortar::formats
