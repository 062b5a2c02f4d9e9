// `_mortar.DynamicRecord`: the record Map and Filter callables receive (Glue's
// DynamicRecord), a mutable mapping over an engine::Record with attribute
// access. Fields are converted to Python only when read; writes go straight
// into the Record (an existing top-level field keeps its type and is
// replaced in place), so a Map that returns the record it got costs no
// conversion back. Keys may be dotted paths ("a.b", "`x.y`"); an exact
// top-level name wins over a path. Needs the GIL like any Python object.
#pragma once

#include <pybind11/pybind11.h>

#include "engine/record.h"

namespace mortar::python {

struct PyRecord {
  engine::Record record;
};

void bind_record(pybind11::module_& m);

// A new DynamicRecord owning `record`.
pybind11::object wrap_record(engine::Record record);

}  // namespace mortar::python
