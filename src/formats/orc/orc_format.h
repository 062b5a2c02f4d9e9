// The ORC Format (registered by formats/format_registry.cc): OrcReader and
// OrcWriter.
#pragma once

#include "formats/format.h"

namespace mortar::formats {

const Format& orc_format();

}  // namespace mortar::formats
