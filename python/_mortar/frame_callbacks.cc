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
// dropped inside an action), so the references are released with it taken.
class Callable {
 public:
  explicit Callable(py::object fn) : fn_(fn.release().ptr()) {}
  ~Callable() {
    if (!Py_IsInitialized()) return;  // interpreter gone: leak, never touch it
    py::gil_scoped_acquire gil;
    Py_DECREF(fn_);
    Py_XDECREF(spare_);
  }
  Callable(const Callable&) = delete;
  Callable& operator=(const Callable&) = delete;

  // New reference to fn(arg); throws error_already_set on a Python error.
  py::object call(py::handle arg) const {
    PyObject* r = PyObject_CallOneArg(fn_, arg.ptr());
    if (!r) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(r);
  }

  // A DynamicRecord that no script holds any more, kept to be refilled for
  // the next call (creating a pybind11 instance per record costs more than
  // most callables). Touched only with the GIL held; every engine thread
  // takes it out before Python code runs, so two calls never share it.
  PyObject* take_spare(PyRecord** held) const {
    PyObject* o = spare_;
    *held = spare_held_;
    spare_ = nullptr;
    return o;
  }
  // Takes `o`'s reference.
  void give_spare(PyObject* o, PyRecord* held) const {
    if (spare_) {
      Py_DECREF(o);
      return;
    }
    spare_ = o;
    spare_held_ = held;
  }

 private:
  PyObject* fn_;
  mutable PyObject* spare_ = nullptr;
  mutable PyRecord* spare_held_ = nullptr;
};

// The DynamicRecord one Map call gets, over the engine's record. The record
// may read its fields from the batch being mapped (Record::lazy_row): when
// the script keeps the object (a global, a closure, a traceback) it is
// detached from the batch before the call ends; when nobody holds it, the
// object is recycled.
class RecordLease {
 public:
  RecordLease(const Callable& owner, engine::Record record) : owner_(owner) {
    obj_ = owner.take_spare(&held_);
    if (obj_) {
      held_->record = std::move(record);
      held_->handed_out.clear();
    } else {
      py::object o = wrap_record(std::move(record));
      held_ = &o.cast<PyRecord&>();
      obj_ = o.release().ptr();
    }
  }
  ~RecordLease() {
    if (Py_REFCNT(obj_) == 1) {
      held_->handed_out.clear();
      owner_.give_spare(obj_, held_);
      return;
    }
    held_->record.detach();
    Py_DECREF(obj_);
  }
  RecordLease(const RecordLease&) = delete;
  RecordLease& operator=(const RecordLease&) = delete;

  py::handle object() const { return obj_; }
  PyRecord& held() const { return *held_; }
  // References to the object besides this lease's.
  Py_ssize_t others() const { return Py_REFCNT(obj_) - 1; }

 private:
  const Callable& owner_;
  PyObject* obj_;
  PyRecord* held_;
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
    // Lazy like the engine's record: a predicate reading one field builds one.
    RecordLease lease(*callable, record.lazy_copy());
    try {
      py::object result = callable->call(lease.object());
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
    RecordLease lease(*callable, std::move(record));
    try {
      py::object result = callable->call(lease.object());
      if (result.ptr() == lease.object().ptr()) {
        PyRecord& held = lease.held();
        sync_record(held);
        // Only the lease and `result` refer to it: nobody can see it change.
        if (lease.others() <= 1) return std::move(held.record);
        held.record.detach();
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
