// The parts of the `_mortar` extension module, one function each, called by
// module.cc in this order. Each lives in its own file:
//   frame_binding.cc   Frame (DynamicFrame), DynamicRecord, from_files,
//                      from_records, write_files, errors (MortarError)
//   glue_binding.cc    glue_call: Glue API requests (catalog) over SigV4
//   jdbc_binding.cc    from_jdbc / write_jdbc (PostgreSQL, SQLite)
#pragma once

#include <pybind11/pybind11.h>

namespace mortar::python {

void bind_frame(pybind11::module_& m);
void bind_glue(pybind11::module_& m);
void bind_jdbc(pybind11::module_& m);

}  // namespace mortar::python
