// The one path from mortar::Status to Python: every binding in `_mortar`
// raises MortarError(code, message) through raise_if_error() / unwrap().
// code is the Status code's name ("InvalidArgument", "NotFound", ...).
// bind_frame() registers the exception class first; the other parts
// (glue_binding.cc, jdbc_binding.cc) only include this header.
#pragma once

#include <pybind11/pybind11.h>

#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"

namespace mortar::python {

// Creates `_mortar.MortarError` in `m`; idempotent (each part may call it).
void register_mortar_error(pybind11::module_& m);

// The MortarError class object (after registration).
pybind11::handle mortar_error_type();

// The Status code's name as MortarError.code shows it.
std::string status_code_name(const Status& status);

// Raises a Python exception of `type` (MortarError or a subclass) with code
// and message attributes; str(e) is the message.
[[noreturn]] void raise_error(pybind11::handle type, std::string_view code,
                              std::string_view message);

// Throws (as a pybind11 error_already_set carrying MortarError) when !ok,
// or the pending callback exception when there is one.
void raise_if_error(const Status& status);

// Callbacks: a Python exception that is not an Exception (KeyboardInterrupt,
// SystemExit) must stop the engine and reach the script as itself. The
// callback parks it here (for the calling thread) and aborts the execution;
// raise_pending() re-raises it once the engine call returned. raise_if_error
// and unwrap call it first, so every binding that uses them propagates it.
void set_pending_exception(pybind11::error_already_set& e);
void raise_pending();

template <typename T>
T unwrap(StatusOr<T> result) {
  raise_pending();
  if (!result.ok()) raise_if_error(result.status());
  return std::move(result).value();
}

// Shorthand for argument errors found by the bindings themselves.
[[noreturn]] void raise_invalid(std::string_view message);

}  // namespace mortar::python
