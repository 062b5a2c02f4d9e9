// `_mortar.DynamicRecord`: the record Map and Filter callables receive (Glue's
// DynamicRecord), a mutable mapping over an engine::Record with attribute
// access. Fields are converted to Python only when read (and, for Map and
// Filter, built from the batch only then: Record::lazy_row); writes go straight
// into the Record (an existing top-level field keeps its type and is
// replaced in place), so a Map that returns the record it got costs no
// conversion back. Nested containers read from top-level fields behave like
// a dict's: the same object on every read, changes to it seen by the record. Keys may be dotted
// paths ("a.b", "`x.y`"); an exact top-level name wins over a path. Needs the GIL like any Python
// object.
#pragma once

#include <pybind11/pybind11.h>

#include <string>
#include <utility>
#include <vector>

#include "engine/record.h"

namespace mortar::python {

struct PyRecord {
  engine::Record record;
  // Containers (dict/list) handed out for top-level fields or assigned to
  // them, by field name: the script may change them in place
  // (r["addr"]["city"] = "x", or r["a"] = {} then r["a"]["b"] = 1, as Glue's
  // own Map example does), so they are written back into `record`
  // (sync_record) before the record is used as a whole.
  std::vector<std::pair<std::string, pybind11::object>> handed_out;
};

// Writes the handed-out containers back into the record (their values
// converted with the fields' current types as hints). Needs the GIL.
void sync_record(PyRecord& r);

void bind_record(pybind11::module_& m);

// A new DynamicRecord owning `record`.
pybind11::object wrap_record(engine::Record record);

}  // namespace mortar::python
