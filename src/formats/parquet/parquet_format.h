// The Parquet Format (registered by formats/format_registry.cc).
#pragma once

#include "formats/format.h"

namespace mortar::formats {

const Format& parquet_format();

}  // namespace mortar::formats
