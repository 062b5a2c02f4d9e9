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

// The converted value at `key`, or a null handle when absent.
py::object lookup(const Record& r, std::string_view key) {
  int i = r.field_index(key);
  if (i >= 0) return to_python(r.field(i), *r.schema()->fields()[i].type);
  if (is_path(key)) {
    types::TypePtr t = r.type_of(key);
    if (t) return to_python(r.get(key), *t);
  }
  return py::object();
}

bool contains(const Record& r, std::string_view key) {
  return r.field_index(key) >= 0 || (is_path(key) && r.has(key));
}

void assign(Record& r, std::string_view key, py::handle value) {
  TypedValue tv = from_python(value);
  raise_if_error(r.assign(key, std::move(tv.value), std::move(tv.type)));
}

py::list keys(const Record& r) {
  py::list out;
  for (const auto& f : r.schema()->fields()) out.append(py::str(f.name));
  return out;
}

}  // namespace

py::object wrap_record(Record record) { return py::cast(PyRecord{std::move(record)}); }

void bind_record(py::module_& m) {
  py::class_<PyRecord>(m, "DynamicRecord",
                       "A record as Map and Filter callables see it: a mutable mapping with "
                       "attribute access; keys may be dotted paths.")
      .def(py::init([](py::object data) {
             if (data.is_none()) return PyRecord{};
             return PyRecord{record_from_dict(data, "DynamicRecord(data)")};
           }),
           py::arg("data") = py::none())
      .def("__getitem__",
           [](const PyRecord& self, py::handle key) {
             py::object v = lookup(self.record, str_view(key, "a DynamicRecord key"));
             if (!v) throw py::key_error(std::string(py::repr(key)));
             return v;
           })
      .def("__getattr__",
           [](const PyRecord& self, py::handle name) {
             py::object v = lookup(self.record, str_view(name, "an attribute name"));
             if (!v)
               throw py::attribute_error("DynamicRecord has no field " +
                                         std::string(py::repr(name)));
             return v;
           })
      .def("__setitem__",
           [](PyRecord& self, py::handle key, py::handle value) {
             assign(self.record, str_view(key, "a DynamicRecord key"), value);
           })
      .def("__setattr__",
           [](PyRecord& self, py::handle name, py::handle value) {
             assign(self.record, str_view(name, "an attribute name"), value);
           })
      .def("__delitem__",
           [](PyRecord& self, py::handle key) {
             if (!self.record.remove(str_view(key, "a DynamicRecord key")))
               throw py::key_error(std::string(py::repr(key)));
           })
      .def("__delattr__",
           [](PyRecord& self, py::handle name) {
             if (!self.record.remove(str_view(name, "an attribute name")))
               throw py::attribute_error("DynamicRecord has no field " +
                                         std::string(py::repr(name)));
           })
      .def("__contains__",
           [](const PyRecord& self, py::handle key) {
             return PyUnicode_Check(key.ptr()) && contains(self.record, str_view(key, "a key"));
           })
      .def(
          "get",
          [](const PyRecord& self, py::handle key, py::object fallback) {
            py::object v = lookup(self.record, str_view(key, "a DynamicRecord key"));
            return v ? v : fallback;
          },
          py::arg("key"), py::arg("default") = py::none())
      .def("keys", [](const PyRecord& self) { return keys(self.record); })
      .def("values",
           [](const PyRecord& self) {
             py::list out;
             const auto& fields = self.record.schema()->fields();
             for (size_t i = 0; i < fields.size(); ++i)
               out.append(to_python(self.record.field(static_cast<int>(i)), *fields[i].type));
             return out;
           })
      .def("items",
           [](const PyRecord& self) {
             py::list out;
             const auto& fields = self.record.schema()->fields();
             for (size_t i = 0; i < fields.size(); ++i)
               out.append(py::make_tuple(
                   py::str(fields[i].name),
                   to_python(self.record.field(static_cast<int>(i)), *fields[i].type)));
             return out;
           })
      .def("__len__", [](const PyRecord& self) { return self.record.schema()->fields().size(); })
      .def("__iter__", [](const PyRecord& self) { return py::iter(keys(self.record)); })
      .def("to_dict", [](const PyRecord& self) { return record_to_dict(self.record); })
      .def("to_json", [](const PyRecord& self) { return self.record.to_json(); })
      .def("__eq__",
           [](const PyRecord& self, py::handle other) -> py::object {
             if (py::isinstance<PyRecord>(other) || PyDict_Check(other.ptr())) {
               py::dict mine = record_to_dict(self.record);
               py::object theirs = py::isinstance<PyRecord>(other)
                                       ? record_to_dict(other.cast<const PyRecord&>().record)
                                       : py::reinterpret_borrow<py::object>(other);
               return py::bool_(mine.equal(theirs));
             }
             return py::reinterpret_borrow<py::object>(Py_NotImplemented);
           })
      .def("__repr__", [](const PyRecord& self) {
        return "DynamicRecord(" + std::string(py::repr(record_to_dict(self.record))) + ")";
      });
}

}  // namespace mortar::python
