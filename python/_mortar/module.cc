// `_mortar`: the native half of Mortar's awsglue package (python/awsglue).
// Scripts never import it directly; awsglue wraps it in Glue's names.
#include "bindings.h"

PYBIND11_MODULE(_mortar, m) {
  m.doc() = "Mortar's native DynamicFrame engine (used by the awsglue package)";
  mortar::python::bind_frame(m);  // first: defines MortarError, Frame
  mortar::python::bind_glue(m);
  mortar::python::bind_jdbc(m);
}
