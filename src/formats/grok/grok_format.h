// The "grok" Format (Glue's grokLog): log lines parsed by a grok pattern
// (format option logFormat) into one column per named capture.
#pragma once

#include "formats/format.h"

namespace mortar::formats {

const Format& grok_format();

}  // namespace mortar::formats
