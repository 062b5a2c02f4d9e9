// Python callables as engine Filter/Map functions. The engine calls them
// with the GIL released (actions run in gil_scoped_release); each call takes
// the GIL back for the Python part only. A Python exception in the callable
// is rethrown as a C++ exception whose message is "<Type>: <message>", which
// the engine turns into an error record. A BaseException that is not an
// Exception (KeyboardInterrupt, SystemExit) aborts the execution instead and
// is re-raised as itself when the engine call returns (errors.h).
// The DynamicRecord a call gets may read its fields lazily from the engine's
// batch; one the script keeps is detached from it before the call returns,
// one nobody keeps is reused for the next call.
#pragma once

#include <pybind11/pybind11.h>

#include "engine/dynamic_frame.h"

namespace mortar::python {

// fn(DynamicRecord) -> truthy keeps the record.
engine::FilterFn python_filter(pybind11::object fn);
// fn(DynamicRecord) -> the same DynamicRecord (no conversion back), another
// DynamicRecord, or a dict.
engine::MapFn python_map(pybind11::object fn);

}  // namespace mortar::python
