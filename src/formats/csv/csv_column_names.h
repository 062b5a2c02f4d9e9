// Unique column names for a CSV header, shared by the reader and the
// crawler's CSV classifiers.
#pragma once

#include <string>
#include <vector>

namespace mortar::formats::csv {

// Renames repeated names in place, in order: a name equal to an earlier one
// becomes name_1, name_2 ... (the first suffix that no earlier name holds, so
// "a,a,a_1" gives a, a_1, a_1_1). Linear in the number of names however many
// repeat: each base name resumes its suffix search where it last stopped.
void make_names_unique(std::vector<std::string>& names);

}  // namespace mortar::formats::csv
