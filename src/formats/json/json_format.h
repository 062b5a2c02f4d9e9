// The "json" Format: JSON Lines and multi-line JSON (.json, .jsonl, .ndjson).
#pragma once

#include "formats/format.h"

namespace mortar::formats {

const Format& json_format();

}  // namespace mortar::formats
