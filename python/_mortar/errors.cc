#include "errors.h"

#include <pybind11/eval.h>

#include "absl/status/status.h"

namespace py = pybind11;

namespace mortar::python {

namespace {
PyObject* g_mortar_error = nullptr;  // owned reference, kept for the process

// The exception a callback parked for this thread (owned references).
struct Pending {
  PyObject* type = nullptr;
  PyObject* value = nullptr;
  PyObject* traceback = nullptr;
};
thread_local Pending t_pending;
}  // namespace

void set_pending_exception(py::error_already_set& e) {
  e.restore();  // back into the interpreter's error indicator, then take it
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  if (t_pending.type) {  // keep the first one
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
    return;
  }
  t_pending = {type, value, traceback};
}

void raise_pending() {
  if (!t_pending.type) return;
  Pending p = t_pending;
  t_pending = {};
  PyErr_Restore(p.type, p.value, p.traceback);
  throw py::error_already_set();
}

void register_mortar_error(py::module_& m) {
  if (!g_mortar_error) {
    // A plain Exception subclass defined in Python, so that code/message are
    // ordinary attributes and subclasses (GlueServiceError) are easy.
    py::dict scope;
    scope["__builtins__"] = py::module_::import("builtins");
    py::exec(R"(
class MortarError(Exception):
    """An error reported by Mortar's native engine: .code is the status code
    name ("InvalidArgument", "NotFound", ...), .message the text."""
    def __init__(self, message="", code="Unknown"):
        super().__init__(message)
        self.message = message
        self.code = code
    def __str__(self):
        return self.message
)",
             scope);
    py::object cls = scope["MortarError"];
    cls.attr("__module__") = "_mortar";
    g_mortar_error = cls.release().ptr();
  }
  // Idempotent: each part of the module may call it.
  if (!py::hasattr(m, "MortarError")) m.add_object("MortarError", py::handle(g_mortar_error));
}

py::handle mortar_error_type() { return py::handle(g_mortar_error); }

std::string status_code_name(const Status& status) {
  // absl's StatusCodeToString gives "INVALID_ARGUMENT"; MortarError uses the
  // CamelCase names of absl::StatusCode's enumerators.
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return "Ok";
    case absl::StatusCode::kCancelled:
      return "Cancelled";
    case absl::StatusCode::kUnknown:
      return "Unknown";
    case absl::StatusCode::kInvalidArgument:
      return "InvalidArgument";
    case absl::StatusCode::kDeadlineExceeded:
      return "DeadlineExceeded";
    case absl::StatusCode::kNotFound:
      return "NotFound";
    case absl::StatusCode::kAlreadyExists:
      return "AlreadyExists";
    case absl::StatusCode::kPermissionDenied:
      return "PermissionDenied";
    case absl::StatusCode::kResourceExhausted:
      return "ResourceExhausted";
    case absl::StatusCode::kFailedPrecondition:
      return "FailedPrecondition";
    case absl::StatusCode::kAborted:
      return "Aborted";
    case absl::StatusCode::kOutOfRange:
      return "OutOfRange";
    case absl::StatusCode::kUnimplemented:
      return "Unimplemented";
    case absl::StatusCode::kInternal:
      return "Internal";
    case absl::StatusCode::kUnavailable:
      return "Unavailable";
    case absl::StatusCode::kDataLoss:
      return "DataLoss";
    case absl::StatusCode::kUnauthenticated:
      return "Unauthenticated";
    default:
      return "Unknown";
  }
}

void raise_error(py::handle type, std::string_view code, std::string_view message) {
  py::object exc = type(py::str(message.data(), message.size()), py::str(code.data(), code.size()));
  PyErr_SetObject(type.ptr(), exc.ptr());
  throw py::error_already_set();
}

void raise_if_error(const Status& status) {
  raise_pending();
  if (status.ok()) return;
  raise_error(mortar_error_type(), status_code_name(status), status_message(status));
}

void raise_invalid(std::string_view message) {
  raise_error(mortar_error_type(), "InvalidArgument", message);
}

}  // namespace mortar::python
