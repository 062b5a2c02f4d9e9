// The Avro object container file Format (registered by
// formats/format_registry.cc).
#pragma once

#include "formats/format.h"

namespace mortar::formats {

const Format& avro_format();

}  // namespace mortar::formats
