// Placeholder until this part of the module is written (see bindings.h).
#include "bindings.h"

namespace mortar::python {

void bind_frame(pybind11::module_& m) {}

}  // namespace mortar::python
