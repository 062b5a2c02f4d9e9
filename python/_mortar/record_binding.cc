#include "record_binding.h"

#include <string>
#include <string_view>

#include "errors.h"
#include "value_convert.h"

namespace py = pybind11;

namespace mortar::python {

using engine::Record;

namespace {

bool is_path(std::string_view key) { return key.find_first_of(".`") != std::string_view::npos; }

py::object* handed_out(PyRecord& r, std::string_view name) {
  for (auto& [n, obj] : r.handed_out)
    if (n == name) return &obj;
  return nullptr;
}

void forget(PyRecord& r, std::string_view name) {
  for (size_t i = 0; i < r.handed_out.size(); ++i) {
    if (r.handed_out[i].first == name) {
      r.handed_out.erase(r.handed_out.begin() + static_cast<std::ptrdiff_t>(i));
      return;
    }
  }
}

// Before the record is read or changed through a path (which may reach into
// a handed-out container), bring it up to date and start afresh.
void sync_for_path(PyRecord& r, bool writing) {
  if (r.handed_out.empty()) return;
  sync_record(r);
  if (writing) r.handed_out.clear();
}

// The converted value at `key`, or a null handle when absent.
py::object lookup(PyRecord& self, std::string_view key) {
  const Record& r = self.record;
  int i = r.field_index(key);
  if (i >= 0) {
    if (py::object* held = handed_out(self, key)) return *held;
    py::object v = to_python(r.field(i), *r.schema()->fields()[i].type);
    if (PyDict_Check(v.ptr()) || PyList_Check(v.ptr()))
      self.handed_out.emplace_back(std::string(key), v);
    return v;
  }
  if (is_path(key)) {
    sync_for_path(self, false);
    types::TypePtr t = r.type_of(key);
    if (t) return to_python(r.get(key), *t);
  }
  return py::object();
}

bool contains(PyRecord& self, std::string_view key) {
  if (self.record.field_index(key) >= 0) return true;
  if (!is_path(key)) return false;
  sync_for_path(self, false);
  return self.record.has(key);
}

void assign(PyRecord& self, std::string_view key, py::handle value) {
  Record& r = self.record;
  int i = r.field_index(key);
  bool top_level = i >= 0 || !is_path(key);
  if (top_level) {
    forget(self, key);
  } else {
    sync_for_path(self, true);
  }
  // A new top-level name has no current type (type_of would parse it as a path).
  types::TypePtr current = i >= 0      ? r.schema()->fields()[i].type
                           : top_level ? nullptr
                                       : r.type_of(key);
  TypedValue tv = from_python(value, current);
  raise_if_error(r.assign(key, std::move(tv.value), std::move(tv.type)));
  if (top_level && (PyDict_Check(value.ptr()) || PyList_Check(value.ptr())))
    self.handed_out.emplace_back(std::string(key), py::reinterpret_borrow<py::object>(value));
}

bool remove(PyRecord& self, std::string_view key) {
  if (self.record.field_index(key) >= 0 || !is_path(key)) {
    forget(self, key);
  } else {
    sync_for_path(self, true);
  }
  return self.record.remove(key);
}

// pop()'s "no default given" marker.
py::object missing() {
  static PyObject* marker =
      py::object(py::module_::import("builtins").attr("object")()).release().ptr();
  return py::reinterpret_borrow<py::object>(marker);
}

py::list keys(const Record& r) {
  py::list out;
  for (const auto& f : r.schema()->fields()) out.append(py::str(f.name));
  return out;
}

const Record& synced(PyRecord& self) {
  sync_record(self);
  return self.record;
}

// --- Item and attribute access without pybind11's dispatcher -------------
//
// r["x"], r["x"] = v, r.x and r.x = v run once or more per record in every
// Map and Filter callable; pybind11's generic dispatch (argument vectors,
// type-caster lookups) costs several times the access itself. These slots
// do the same as the __getitem__/__setitem__/__delitem__/__getattr__/
// __setattr__/__delattr__ methods below (which stay, for explicit calls).

PyRecord* record_of(PyObject* self) {
  auto* inst = reinterpret_cast<py::detail::instance*>(self);
  auto vh = inst->get_value_and_holder();
  if (!vh.holder_constructed()) {
    PyErr_SetString(PyExc_TypeError, "DynamicRecord object is not initialized");
    return nullptr;
  }
  return static_cast<PyRecord*>(vh.value_ptr());
}

// Runs fn, turning C++ exceptions into the pending Python error (as the
// dispatcher does); returns fallback on error.
template <typename R, typename F>
R guarded_slot(R fallback, F&& fn) {
  try {
    return fn();
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (py::builtin_exception& e) {
    e.set_error();
  } catch (const std::bad_alloc&) {
    PyErr_NoMemory();
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  } catch (...) {
    PyErr_SetString(PyExc_SystemError, "unknown C++ exception in DynamicRecord");
  }
  return fallback;
}

PyObject* slot_getitem(PyObject* self, PyObject* key) {
  PyRecord* r = record_of(self);
  if (!r) return nullptr;
  return guarded_slot<PyObject*>(nullptr, [&]() -> PyObject* {
    py::object v = lookup(*r, str_view(key, "a DynamicRecord key"));
    if (!v) throw py::key_error(std::string(py::repr(key)));
    return v.release().ptr();
  });
}

int slot_setitem(PyObject* self, PyObject* key, PyObject* value) {
  PyRecord* r = record_of(self);
  if (!r) return -1;
  return guarded_slot<int>(-1, [&] {
    std::string_view k = str_view(key, "a DynamicRecord key");
    if (value) {
      assign(*r, k, value);
    } else if (!remove(*r, k)) {
      throw py::key_error(std::string(py::repr(key)));
    }
    return 0;
  });
}

PyObject* slot_getattr(PyObject* self, PyObject* name) {
  // The class's own attributes (methods, dunders) come first, as they did
  // with __getattr__, which Python calls only when normal lookup fails.
  if (!PyUnicode_Check(name) || _PyType_Lookup(Py_TYPE(self), name))
    return PyObject_GenericGetAttr(self, name);
  PyRecord* r = record_of(self);
  if (!r) return nullptr;
  return guarded_slot<PyObject*>(nullptr, [&]() -> PyObject* {
    py::object v = lookup(*r, str_view(name, "an attribute name"));
    if (!v) throw py::attribute_error("DynamicRecord has no field " + std::string(py::repr(name)));
    return v.release().ptr();
  });
}

int slot_setattr(PyObject* self, PyObject* name, PyObject* value) {
  PyRecord* r = record_of(self);
  if (!r) return -1;
  return guarded_slot<int>(-1, [&] {
    std::string_view k = str_view(name, "an attribute name");
    if (value) {
      assign(*r, k, value);
    } else if (!remove(*r, k)) {
      throw py::attribute_error("DynamicRecord has no field " + std::string(py::repr(name)));
    }
    return 0;
  });
}

void install_fast_slots(py::handle cls) {
  auto* type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  type->tp_as_mapping->mp_subscript = slot_getitem;
  type->tp_as_mapping->mp_ass_subscript = slot_setitem;
  type->tp_getattro = slot_getattr;
  type->tp_setattro = slot_setattr;
  PyType_Modified(type);
}

}  // namespace

void sync_record(PyRecord& self) {
  for (auto& [name, obj] : self.handed_out) {
    int i = self.record.field_index(name);
    if (i < 0) continue;
    TypedValue tv = from_python(obj, self.record.schema()->fields()[i].type);
    raise_if_error(self.record.assign(name, std::move(tv.value), std::move(tv.type)));
  }
}

py::object wrap_record(Record record) { return py::cast(PyRecord{std::move(record), {}}); }

void bind_record(py::module_& m) {
  py::class_<PyRecord> cls(m, "DynamicRecord",
                           "A record as Map and Filter callables see it: a mutable mapping with "
                           "attribute access; keys may be dotted paths.");
  cls.def(py::init([](py::object data) {
            if (data.is_none()) return PyRecord{};
            return PyRecord{record_from_dict(data, "DynamicRecord(data)"), {}};
          }),
          py::arg("data") = py::none())
      .def("__getitem__",
           [](PyRecord& self, py::handle key) {
             py::object v = lookup(self, str_view(key, "a DynamicRecord key"));
             if (!v) throw py::key_error(std::string(py::repr(key)));
             return v;
           })
      .def("__getattr__",
           [](PyRecord& self, py::handle name) {
             py::object v = lookup(self, str_view(name, "an attribute name"));
             if (!v)
               throw py::attribute_error("DynamicRecord has no field " +
                                         std::string(py::repr(name)));
             return v;
           })
      .def("__setitem__",
           [](PyRecord& self, py::handle key, py::handle value) {
             assign(self, str_view(key, "a DynamicRecord key"), value);
           })
      .def("__setattr__",
           [](PyRecord& self, py::handle name, py::handle value) {
             assign(self, str_view(name, "an attribute name"), value);
           })
      .def("__delitem__",
           [](PyRecord& self, py::handle key) {
             if (!remove(self, str_view(key, "a DynamicRecord key")))
               throw py::key_error(std::string(py::repr(key)));
           })
      .def("__delattr__",
           [](PyRecord& self, py::handle name) {
             if (!remove(self, str_view(name, "an attribute name")))
               throw py::attribute_error("DynamicRecord has no field " +
                                         std::string(py::repr(name)));
           })
      .def("__contains__",
           [](PyRecord& self, py::handle key) {
             return PyUnicode_Check(key.ptr()) && contains(self, str_view(key, "a key"));
           })
      .def(
          "get",
          [](PyRecord& self, py::handle key, py::object fallback) {
            py::object v = lookup(self, str_view(key, "a DynamicRecord key"));
            return v ? v : fallback;
          },
          py::arg("key"), py::arg("default") = py::none())
      .def("keys", [](const PyRecord& self) { return keys(self.record); })
      // The same objects item access returns (containers stay live).
      .def("values",
           [](PyRecord& self) {
             py::list out;
             for (const auto& f : self.record.schema()->fields()) out.append(lookup(self, f.name));
             return out;
           })
      .def("items",
           [](PyRecord& self) {
             py::list out;
             for (const auto& f : self.record.schema()->fields())
               out.append(py::make_tuple(py::str(f.name), lookup(self, f.name)));
             return out;
           })
      .def("__len__", [](const PyRecord& self) { return self.record.schema()->fields().size(); })
      .def("__iter__", [](const PyRecord& self) { return py::iter(keys(self.record)); })
      .def("to_dict", [](PyRecord& self) { return record_to_dict(synced(self)); })
      .def(
          "pop",
          [](PyRecord& self, py::handle key, py::object fallback) {
            std::string_view k = str_view(key, "a DynamicRecord key");
            py::object v = lookup(self, k);
            if (!v) {
              if (fallback.ptr() == missing().ptr())
                throw py::key_error(std::string(py::repr(key)));
              return fallback;
            }
            remove(self, k);
            return v;
          },
          py::arg("key"), py::arg("default") = missing())
      .def(
          "setdefault",
          [](PyRecord& self, py::handle key, py::object fallback) {
            std::string_view k = str_view(key, "a DynamicRecord key");
            py::object v = lookup(self, k);
            if (v) return v;
            assign(self, k, fallback);
            return lookup(self, k);
          },
          py::arg("key"), py::arg("default") = py::none())
      .def(
          "update",
          [](PyRecord& self, py::object other, py::kwargs kwargs) {
            if (!other.is_none()) {
              py::object items =
                  py::hasattr(other, "keys")
                      ? py::object(
                            py::module_::import("builtins").attr("dict")(other).attr("items")())
                      : other;
              for (py::handle item : items) {
                py::tuple kv = py::reinterpret_borrow<py::object>(item);
                assign(self, str_view(kv[0], "a DynamicRecord key"), kv[1]);
              }
            }
            for (auto item : kwargs) assign(self, str_view(item.first, "a key"), item.second);
          },
          py::arg("other") = py::none())
      .def("copy", [](PyRecord& self) { return wrap_record(synced(self)); })
      .def("__copy__", [](PyRecord& self) { return wrap_record(synced(self)); })
      .def("__deepcopy__", [](PyRecord& self, py::handle) { return wrap_record(synced(self)); })
      .def("to_json", [](PyRecord& self) { return synced(self).to_json(); })
      .def("__eq__",
           [](PyRecord& self, py::handle other) -> py::object {
             if (py::isinstance<PyRecord>(other) || PyDict_Check(other.ptr())) {
               py::dict mine = record_to_dict(synced(self));
               py::object theirs = py::isinstance<PyRecord>(other)
                                       ? record_to_dict(synced(other.cast<PyRecord&>()))
                                       : py::reinterpret_borrow<py::object>(other);
               return py::bool_(mine.equal(theirs));
             }
             return py::reinterpret_borrow<py::object>(Py_NotImplemented);
           })
      .def("__repr__", [](PyRecord& self) {
        return "DynamicRecord(" + std::string(py::repr(record_to_dict(synced(self)))) + ")";
      });
  install_fast_slots(cls);
  // isinstance(r, collections.abc.Mapping / MutableMapping) holds, as for a dict.
  py::module_::import("collections.abc").attr("MutableMapping").attr("register")(cls);
}

}  // namespace mortar::python
