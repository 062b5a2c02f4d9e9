// The ORC Format (registered by formats/format_registry.cc). Reader only:
// open_writer returns Unimplemented.
#pragma once

#include "formats/format.h"

namespace mortar::formats {

const Format& orc_format();

}  // namespace mortar::formats
