#include "frame_callbacks.h"

#include <memory>
#include <stdexcept>
#include <string>

#include "errors.h"
#include "record_binding.h"
#include "value_convert.h"

namespace py = pybind11;

namespace mortar::python {

namespace {

// Holds the callable; plan nodes may be destroyed without the GIL (a frame
// dropped inside an action), so the reference is released with it taken.
class Callable {
 public:
  explicit Callable(py::object fn) : fn_(fn.release().ptr()) {}
  ~Callable() {
    if (!Py_IsInitialized()) return;  // interpreter gone: leak, never touch it
    py::gil_scoped_acquire gil;
    Py_DECREF(fn_);
  }
  Callable(const Callable&) = delete;
  Callable& operator=(const Callable&) = delete;

  // New reference to fn(arg); throws error_already_set on a Python error.
  py::object call(py::handle arg) const {
    PyObject* r = PyObject_CallOneArg(fn_, arg.ptr());
    if (!r) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(r);
  }

 private:
  PyObject* fn_;
};

// "ZeroDivisionError: division by zero"
std::string describe(const py::error_already_set& e) {
  std::string type = "Exception";
  if (e.type()) type = py::str(e.type().attr("__name__"));
  std::string message;
  try {
    message = py::str(e.value());
  } catch (const py::error_already_set&) {
    message = "(unprintable exception)";
  }
  return message.empty() ? type : type + ": " + message;
}

// An Exception becomes an error record; anything else (KeyboardInterrupt,
// SystemExit) stops the execution and is re-raised by the binding.
[[noreturn]] void rethrow(py::error_already_set& e) {
  std::string text = describe(e);
  if (e.matches(PyExc_Exception)) throw std::runtime_error(text);
  set_pending_exception(e);
  throw engine::ExecutionAborted(text);
}

}  // namespace

engine::FilterFn python_filter(py::object fn) {
  auto callable = std::make_shared<const Callable>(std::move(fn));
  return [callable](const engine::Record& record) -> bool {
    py::gil_scoped_acquire gil;
    try {
      py::object arg = wrap_record(record);
      py::object result = callable->call(arg);
      int keep = PyObject_IsTrue(result.ptr());
      if (keep < 0) throw py::error_already_set();
      return keep != 0;
    } catch (py::error_already_set& e) {
      rethrow(e);
    }
  };
}

engine::MapFn python_map(py::object fn) {
  auto callable = std::make_shared<const Callable>(std::move(fn));
  return [callable](engine::Record record) -> engine::Record {
    py::gil_scoped_acquire gil;
    try {
      py::object arg = wrap_record(std::move(record));
      py::object result = callable->call(arg);
      if (result.ptr() == arg.ptr()) {
        auto& held = arg.cast<PyRecord&>();
        sync_record(held);
        // Only `arg` and `result` refer to it: nobody can see it change.
        if (Py_REFCNT(arg.ptr()) <= 2) return std::move(held.record);
        return held.record;
      }
      if (py::isinstance<PyRecord>(result) || PyDict_Check(result.ptr()))
        return record_from_dict(result, "the record Map returned");
      throw std::runtime_error(
          std::string("the Map function must return a DynamicRecord or a dict, not ") +
          (result.is_none() ? "None" : Py_TYPE(result.ptr())->tp_name));
    } catch (py::error_already_set& e) {
      rethrow(e);
    }
  };
}

}  // namespace mortar::python
