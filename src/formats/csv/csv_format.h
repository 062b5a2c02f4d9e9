// The "csv" Format: extensions .csv/.tsv (.tsv defaults to a tab separator).
#pragma once

#include "formats/format.h"

namespace mortar::formats {

const Format& csv_format();

}  // namespace mortar::formats
