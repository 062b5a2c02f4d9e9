// Python arguments -> engine option structs for the Frame bindings. Every
// function checks types and keys and raises MortarError(InvalidArgument)
// naming the bad argument; unknown keys are errors (typos fail loudly).
// Need the GIL.
#pragma once

#include <pybind11/pybind11.h>

#include <string>
#include <string_view>
#include <vector>

#include "engine/dynamic_frame.h"
#include "engine/file_sink.h"
#include "engine/file_source.h"

namespace mortar::python {

// `opts`: None or a dict with transformation_ctx, info, stage_threshold,
// total_threshold.
engine::TransformOptions transform_options(pybind11::handle opts);

// Scalars: exact Python types (bool is not an int here), else MortarError
// naming `what`.
std::string str_arg(pybind11::handle obj, const std::string& what);
int64_t int_arg(pybind11::handle obj, const std::string& what);
bool bool_arg(pybind11::handle obj, const std::string& what);
double float_arg(pybind11::handle obj, const std::string& what);

// A list/tuple of str (a bare str is refused: it is almost always a
// forgotten [...]).
std::vector<std::string> string_list(pybind11::handle obj, std::string_view what);

std::vector<engine::Mapping> mappings_arg(pybind11::handle obj);
std::vector<engine::ResolveSpec> resolve_specs_arg(pybind11::handle obj);
std::vector<engine::Comparison> comparisons_arg(pybind11::handle obj);

engine::FileSourceOptions file_source_options(pybind11::handle options);
engine::FileSinkOptions file_sink_options(pybind11::handle options);

}  // namespace mortar::python
