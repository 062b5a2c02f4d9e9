// The XML format (read only, as in Glue): see xml_reader.h for the options.
#pragma once

#include "formats/format.h"

namespace mortar::formats {

const Format& xml_format();

}  // namespace mortar::formats
