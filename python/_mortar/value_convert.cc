#include "value_convert.h"

#include <datetime.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/conform.h"
#include "engine/schema_merge.h"
#include "errors.h"
#include "record_binding.h"
#include "types/decimal.h"
#include "types/temporal.h"

namespace py = pybind11;

namespace mortar::python {

using types::DataType;
using types::TypeKind;
using types::TypePtr;
using types::Value;

namespace {

constexpr int64_t kMicrosPerDay = 86400LL * 1000000;

// Module-level objects looked up once and kept for the process.
struct PyRefs {
  PyObject* decimal_cls;
  PyRefs() {
    PyDateTime_IMPORT;
    if (!PyDateTimeAPI) throw py::error_already_set();
    decimal_cls = py::object(py::module_::import("decimal").attr("Decimal")).release().ptr();
  }
};

const PyRefs& refs() {
  static const PyRefs* r = new PyRefs();
  return *r;
}

py::object steal_or_throw(PyObject* o) {
  if (!o) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(o);
}

// Conversion when the type says nothing useful (null type, a value a choice
// cannot place): by the value's own kind.
py::object by_kind(const Value& v) {
  static const TypePtr kNull = DataType::null();
  switch (v.kind()) {
    case Value::Kind::kList: {
      py::list out(v.as_list().items.size());
      for (size_t i = 0; i < v.as_list().items.size(); ++i) out[i] = by_kind(v.as_list().items[i]);
      return out;
    }
    case Value::Kind::kStruct: {
      py::list out(v.as_struct().fields.size());
      for (size_t i = 0; i < v.as_struct().fields.size(); ++i)
        out[i] = by_kind(v.as_struct().fields[i]);
      return out;
    }
    case Value::Kind::kMap: {
      py::dict out;
      const auto& m = v.as_map();
      for (size_t i = 0; i < m.keys.size() && i < m.values.size(); ++i)
        out[by_kind(m.keys[i])] = by_kind(m.values[i]);
      return out;
    }
    default:
      return to_python(v, *kNull);
  }
}

}  // namespace

std::string_view str_view(py::handle obj, std::string_view what) {
  if (!PyUnicode_Check(obj.ptr()))
    raise_invalid(std::string(what) + " must be a str, not " +
                  std::string(Py_TYPE(obj.ptr())->tp_name));
  Py_ssize_t n = 0;
  const char* s = PyUnicode_AsUTF8AndSize(obj.ptr(), &n);
  if (!s) throw py::error_already_set();
  return std::string_view(s, static_cast<size_t>(n));
}

py::object to_python(const Value& v, const DataType& t) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return py::none();
    case Value::Kind::kBool:
      return py::bool_(v.as_bool());
    case Value::Kind::kInt:
      return steal_or_throw(PyLong_FromLongLong(v.as_int()));
    case Value::Kind::kDouble:
      return steal_or_throw(PyFloat_FromDouble(v.as_double()));
    case Value::Kind::kDecimal: {
      std::string text = types::format_decimal(v.as_decimal().unscaled, v.as_decimal().scale);
      py::str s(text);
      return steal_or_throw(PyObject_CallOneArg(refs().decimal_cls, s.ptr()));
    }
    case Value::Kind::kString: {
      const std::string& s = v.as_string();
      if (t.kind() == TypeKind::kBinary)
        return steal_or_throw(PyBytes_FromStringAndSize(s.data(), s.size()));
      return steal_or_throw(PyUnicode_DecodeUTF8(s.data(), s.size(), "replace"));
    }
    case Value::Kind::kDate: {
      refs();
      int64_t y;
      unsigned m, d;
      types::civil_from_days(v.as_date(), &y, &m, &d);
      if (y < 1 || y > 9999)
        raise_invalid("date " + types::format_date(v.as_date()) +
                      " is outside Python's datetime range");
      return steal_or_throw(PyDate_FromDate(static_cast<int>(y), m, d));
    }
    case Value::Kind::kTimestamp: {
      refs();
      int64_t micros = v.as_timestamp();
      int64_t days = micros / kMicrosPerDay;
      int64_t rem = micros % kMicrosPerDay;
      if (rem < 0) {
        rem += kMicrosPerDay;
        --days;
      }
      int64_t y;
      unsigned m, d;
      types::civil_from_days(days, &y, &m, &d);
      if (y < 1 || y > 9999)
        raise_invalid("timestamp " + types::format_timestamp(micros) +
                      " is outside Python's datetime range");
      int64_t secs = rem / 1000000;
      return steal_or_throw(
          PyDateTime_FromDateAndTime(static_cast<int>(y), m, d, static_cast<int>(secs / 3600),
                                     static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60),
                                     static_cast<int>(rem % 1000000)));
    }
    default:
      break;
  }
  // Nested values: a choice holds them in the alternative of their kind.
  const DataType* type = &t;
  if (t.kind() == TypeKind::kChoice) {
    int a = engine::alternative_for_value(t, v);
    if (a < 0) return by_kind(v);
    type = t.fields()[a].type.get();
  }
  switch (v.kind()) {
    case Value::Kind::kList: {
      if (type->kind() != TypeKind::kArray) return by_kind(v);
      const auto& items = v.as_list().items;
      PyObject* out = PyList_New(static_cast<Py_ssize_t>(items.size()));
      if (!out) throw py::error_already_set();
      py::object holder = py::reinterpret_steal<py::object>(out);
      for (size_t i = 0; i < items.size(); ++i)
        PyList_SET_ITEM(out, i, to_python(items[i], *type->element()).release().ptr());
      return holder;
    }
    case Value::Kind::kMap: {
      if (type->kind() != TypeKind::kMap) return by_kind(v);
      const auto& m = v.as_map();
      py::dict out;
      for (size_t i = 0; i < m.keys.size() && i < m.values.size(); ++i) {
        py::object key = to_python(m.keys[i], *type->key());
        if (PyList_Check(key.ptr())) key = py::tuple(key);  // lists are unhashable
        out[key] = to_python(m.values[i], *type->value());
      }
      return out;
    }
    case Value::Kind::kStruct:
      if (type->kind() != TypeKind::kStruct) return by_kind(v);
      return struct_to_dict(v, *type);
    default:
      return by_kind(v);
  }
}

py::dict struct_to_dict(const Value& v, const DataType& t) {
  py::dict out;
  const auto& fields = v.as_struct().fields;
  const auto& types = t.fields();
  for (size_t i = 0; i < fields.size() && i < types.size(); ++i) {
    py::str name(types[i].name);
    PyDict_SetItem(out.ptr(), name.ptr(), to_python(fields[i], *types[i].type).ptr());
  }
  return out;
}

py::dict record_to_dict(const engine::Record& record) {
  if (record.value().kind() != Value::Kind::kStruct) return py::dict();
  return struct_to_dict(record.value(), *record.schema());
}

namespace {

TypedValue decimal_from_python(py::handle obj) {
  py::tuple t = obj.attr("as_tuple")();
  py::object exp = t[2];
  if (!PyLong_Check(exp.ptr()))
    raise_invalid("cannot convert Decimal " + std::string(py::str(obj)) + " (not finite)");
  int64_t exponent = exp.cast<int64_t>();
  py::tuple digits = t[1];
  if (digits.size() > 38)
    raise_invalid("Decimal " + std::string(py::str(obj)) + " has more than 38 digits");
  types::int128 unscaled = 0;
  for (py::handle d : digits) unscaled = unscaled * 10 + d.cast<int>();
  int scale = 0;
  if (exponent < 0) {
    if (-exponent > 38)
      raise_invalid("Decimal " + std::string(py::str(obj)) + " has a scale above 38");
    scale = static_cast<int>(-exponent);
  } else if (exponent > 0) {
    if (static_cast<int64_t>(digits.size()) + exponent > 38)
      raise_invalid("Decimal " + std::string(py::str(obj)) + " has more than 38 digits");
    unscaled *= types::pow10_int128(static_cast<int>(exponent));
  }
  if (t[0].cast<int>() == 1) unscaled = -unscaled;
  return {Value::decimal(unscaled, scale), DataType::decimal(38, scale)};
}

int64_t datetime_micros(py::handle obj) {
  PyObject* o = obj.ptr();
  int64_t days = types::days_from_civil(PyDateTime_GET_YEAR(o), PyDateTime_GET_MONTH(o),
                                        PyDateTime_GET_DAY(o));
  int64_t micros = days * kMicrosPerDay +
                   (PyDateTime_DATE_GET_HOUR(o) * 3600LL + PyDateTime_DATE_GET_MINUTE(o) * 60LL +
                    PyDateTime_DATE_GET_SECOND(o)) *
                       1000000LL +
                   PyDateTime_DATE_GET_MICROSECOND(o);
  py::object offset = obj.attr("utcoffset")();
  if (!offset.is_none() && PyDelta_Check(offset.ptr())) {
    PyObject* d = offset.ptr();
    micros -=
        (PyDateTime_DELTA_GET_DAYS(d) * 86400LL + PyDateTime_DELTA_GET_SECONDS(d)) * 1000000LL +
        PyDateTime_DELTA_GET_MICROSECONDS(d);
  }
  return micros;
}

std::string type_name(py::handle obj) { return Py_TYPE(obj.ptr())->tp_name; }

}  // namespace

namespace {
// Nesting deeper than this is refused (a list that contains itself would
// otherwise recurse until the stack overflows).
constexpr int kMaxDepth = 200;
thread_local int g_depth = 0;

struct DepthGuard {
  DepthGuard() {
    if (++g_depth > kMaxDepth) {
      g_depth = 0;  // the error unwinds every level; start afresh
      raise_invalid("value nested more than " + std::to_string(kMaxDepth) +
                    " levels deep (a container that contains itself?)");
    }
  }
  ~DepthGuard() {
    if (g_depth > 0) --g_depth;
  }
};
}  // namespace

namespace {

bool fits_precision(types::int128 unscaled, int digits) {
  if (digits < 0) return unscaled == 0;
  if (digits > 38) return true;
  types::int128 max = types::decimal_max_unscaled(digits);
  return unscaled <= max && unscaled >= -max;
}

// A scalar keeps the hinted type when it fits it (int -> narrower ints in
// range, double, decimal; Decimal -> a decimal of larger scale; None -> any).
TypedValue with_hint(TypedValue tv, const TypePtr& hint) {
  if (!hint) return tv;
  const DataType& h = *hint;
  const Value& v = tv.value;
  switch (v.kind()) {
    case Value::Kind::kNull:
      return {Value(), hint};
    case Value::Kind::kBool:
      if (h.kind() == TypeKind::kBoolean) tv.type = hint;
      return tv;
    case Value::Kind::kInt: {
      int64_t i = v.as_int();
      switch (h.kind()) {
        case TypeKind::kTinyInt:
          if (i >= INT8_MIN && i <= INT8_MAX) tv.type = hint;
          return tv;
        case TypeKind::kSmallInt:
          if (i >= INT16_MIN && i <= INT16_MAX) tv.type = hint;
          return tv;
        case TypeKind::kInt:
          if (i >= INT32_MIN && i <= INT32_MAX) tv.type = hint;
          return tv;
        case TypeKind::kBigInt:
          tv.type = hint;
          return tv;
        case TypeKind::kFloat:
        case TypeKind::kDouble:
          return {Value::real(static_cast<double>(i)), hint};
        case TypeKind::kDecimal:
          if (fits_precision(i, h.precision() - h.scale()))
            return {Value::decimal(types::int128(i) * types::pow10_int128(h.scale()), h.scale()),
                    hint};
          return tv;
        default:
          return tv;
      }
    }
    case Value::Kind::kDouble:
      if (h.kind() == TypeKind::kDouble || h.kind() == TypeKind::kFloat) tv.type = hint;
      return tv;
    case Value::Kind::kDecimal: {
      if (h.kind() != TypeKind::kDecimal || h.scale() < v.as_decimal().scale) return tv;
      int up = h.scale() - v.as_decimal().scale;
      if (!fits_precision(v.as_decimal().unscaled, h.precision() - up)) return tv;
      return {Value::decimal(v.as_decimal().unscaled * types::pow10_int128(up), h.scale()), hint};
    }
    case Value::Kind::kString:
      if (tv.type->kind() == h.kind() &&
          (h.kind() == TypeKind::kString || h.kind() == TypeKind::kBinary))
        tv.type = hint;
      return tv;
    case Value::Kind::kDate:
      if (h.kind() == TypeKind::kDate) tv.type = hint;
      return tv;
    case Value::Kind::kTimestamp:
      if (h.kind() == TypeKind::kTimestamp) tv.type = hint;
      return tv;
    default:
      return tv;
  }
}

// The hint itself when the built type is the same (keeps schema objects
// shared, which makes merging them cheap).
TypePtr same_or(const TypePtr& built, const TypePtr& hint) {
  return hint && built->equals(*hint) ? hint : built;
}

TypePtr child_hint(const TypePtr& hint, TypeKind kind, int index) {
  if (!hint || hint->kind() != kind) return nullptr;
  return hint->fields()[index].type;
}

TypedValue map_from_dict(py::handle obj, const TypePtr& hint) {
  TypePtr kh = child_hint(hint, TypeKind::kMap, 0), vh = child_hint(hint, TypeKind::kMap, 1);
  std::vector<Value> keys, values;
  TypePtr kt = DataType::null(), vt = DataType::null();
  for (auto item : py::reinterpret_borrow<py::dict>(obj)) {
    TypedValue k = from_python(item.first, kh), v = from_python(item.second, vh);
    kt = engine::merge_types(kt, k.type);
    vt = engine::merge_types(vt, v.type);
    keys.push_back(std::move(k.value));
    values.push_back(std::move(v.value));
  }
  if (keys.empty() && hint && hint->kind() == TypeKind::kMap) return {Value::map({}, {}), hint};
  return {Value::map(std::move(keys), std::move(values)), same_or(DataType::map(kt, vt), hint)};
}

TypedValue struct_from_dict(py::handle obj, std::string_view what, const TypePtr& hint) {
  const bool hinted = hint && hint->kind() == TypeKind::kStruct;
  std::vector<types::Field> fields;
  std::vector<Value> values;
  for (auto item : py::reinterpret_borrow<py::dict>(obj)) {
    if (!PyUnicode_Check(item.first.ptr()))
      raise_invalid(std::string(what) + ": field names must be str, not " + type_name(item.first));
    std::string_view name = str_view(item.first, "a field name");
    TypePtr fh;
    if (hinted) {
      int i = hint->field_index(name);
      if (i >= 0) fh = hint->fields()[i].type;
    }
    TypedValue tv = from_python(item.second, fh);
    fields.push_back({std::string(name), std::move(tv.type)});
    values.push_back(std::move(tv.value));
  }
  return {Value::structure(std::move(values)),
          same_or(DataType::structure(std::move(fields)), hint)};
}

}  // namespace

TypedValue from_python(py::handle obj, const TypePtr& hint) {
  DepthGuard depth;
  PyObject* o = obj.ptr();
  if (o == Py_None) return {Value(), hint ? hint : DataType::null()};
  if (PyBool_Check(o)) return with_hint({Value::boolean(o == Py_True), DataType::boolean()}, hint);
  if (PyLong_Check(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow == 0) {
      if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
      return with_hint({Value::integer(v), DataType::bigint()}, hint);
    }
    std::string text = py::str(obj);
    auto unscaled = types::parse_decimal(text, 38, 0);
    if (!unscaled.ok()) raise_invalid("integer " + text + " does not fit in decimal(38,0)");
    return with_hint({Value::decimal(*unscaled, 0), DataType::decimal(38, 0)}, hint);
  }
  if (PyFloat_Check(o))
    return with_hint({Value::real(PyFloat_AS_DOUBLE(o)), DataType::float64()}, hint);
  if (PyUnicode_Check(o)) {
    std::string_view s = str_view(obj, "a string");
    return with_hint({Value::string(std::string(s)), DataType::string()}, hint);
  }
  if (PyBytes_Check(o))
    return with_hint(
        {Value::string(std::string(PyBytes_AS_STRING(o), PyBytes_GET_SIZE(o))), DataType::binary()},
        hint);
  if (PyByteArray_Check(o))
    return with_hint({Value::string(std::string(PyByteArray_AS_STRING(o), PyByteArray_GET_SIZE(o))),
                      DataType::binary()},
                     hint);
  if (PyDict_Check(o)) {
    if (hint && hint->kind() == TypeKind::kMap) return map_from_dict(obj, hint);
    bool all_str = true;
    for (auto item : py::reinterpret_borrow<py::dict>(obj))
      if (!PyUnicode_Check(item.first.ptr())) all_str = false;
    if (all_str) return struct_from_dict(obj, "a dict", hint);
    return map_from_dict(obj, hint);
  }
  if (PyList_Check(o) || PyTuple_Check(o)) {
    TypePtr eh = child_hint(hint, TypeKind::kArray, 0);
    py::sequence seq = py::reinterpret_borrow<py::sequence>(obj);
    std::vector<Value> items;
    items.reserve(seq.size());
    TypePtr et = DataType::null();
    for (py::handle item : seq) {
      TypedValue tv = from_python(item, eh);
      et = engine::merge_types(et, tv.type);
      items.push_back(std::move(tv.value));
    }
    if (items.empty() && eh) return {Value::list({}), hint};
    return {Value::list(std::move(items)), same_or(DataType::array(et), hint)};
  }
  refs();
  if (PyDateTime_Check(o))
    return with_hint({Value::timestamp(datetime_micros(obj)), DataType::timestamp()}, hint);
  if (PyDate_Check(o)) {
    int64_t days = types::days_from_civil(PyDateTime_GET_YEAR(o), PyDateTime_GET_MONTH(o),
                                          PyDateTime_GET_DAY(o));
    return with_hint({Value::date(static_cast<int32_t>(days)), DataType::date()}, hint);
  }
  int is_decimal = PyObject_IsInstance(o, refs().decimal_cls);
  if (is_decimal < 0) throw py::error_already_set();
  if (is_decimal) return with_hint(decimal_from_python(obj), hint);
  if (py::isinstance<PyRecord>(obj)) {
    PyRecord& held = obj.cast<PyRecord&>();
    sync_record(held);
    return {held.record.value(), held.record.schema()};
  }
  // Integer-like and float-like objects of other libraries (numpy scalars).
  if (PyIndex_Check(o)) return from_python(steal_or_throw(PyNumber_Index(o)), hint);
  if (PyObject_HasAttrString(o, "__float__"))
    return from_python(steal_or_throw(PyNumber_Float(o)), hint);
  raise_invalid("cannot convert a value of Python type '" + type_name(obj) +
                "' (expected None, bool, int, float, Decimal, str, bytes, date, datetime, "
                "list or dict)");
}

engine::Record record_from_dict(py::handle obj, std::string_view what) {
  if (py::isinstance<PyRecord>(obj)) {
    PyRecord& held = obj.cast<PyRecord&>();
    sync_record(held);
    return held.record;
  }
  if (!PyDict_Check(obj.ptr()))
    raise_invalid(std::string(what) + " must be a dict, not " + type_name(obj));
  TypedValue tv = struct_from_dict(obj, what, nullptr);
  return engine::Record(std::move(tv.type), std::move(tv.value));
}

py::dict schema_to_dict(const DataType& t) {
  py::dict out;
  auto leaf = [&](const char* name) { out["type"] = name; };
  switch (t.kind()) {
    case TypeKind::kNull:
      leaf("null");
      break;
    case TypeKind::kBoolean:
      leaf("boolean");
      break;
    case TypeKind::kTinyInt:
      leaf("byte");
      break;
    case TypeKind::kSmallInt:
      leaf("short");
      break;
    case TypeKind::kInt:
      leaf("int");
      break;
    case TypeKind::kBigInt:
      leaf("long");
      break;
    case TypeKind::kFloat:
      leaf("float");
      break;
    case TypeKind::kDouble:
      leaf("double");
      break;
    case TypeKind::kDecimal:
      leaf("decimal");
      out["precision"] = t.precision();
      out["scale"] = t.scale();
      break;
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar:
      leaf("string");
      break;
    case TypeKind::kBinary:
      leaf("binary");
      break;
    case TypeKind::kDate:
      leaf("date");
      break;
    case TypeKind::kTimestamp:
      leaf("timestamp");
      break;
    case TypeKind::kArray:
      leaf("array");
      out["element"] = schema_to_dict(*t.element());
      break;
    case TypeKind::kMap:
      leaf("map");
      out["key"] = schema_to_dict(*t.key());
      out["value"] = schema_to_dict(*t.value());
      break;
    case TypeKind::kStruct: {
      leaf("struct");
      py::list fields;
      for (const auto& f : t.fields()) {
        py::dict fd;
        fd["name"] = f.name;
        fd["type"] = schema_to_dict(*f.type);
        fields.append(std::move(fd));
      }
      out["fields"] = std::move(fields);
      break;
    }
    case TypeKind::kChoice: {
      leaf("choice");
      py::list alts;
      for (const auto& f : t.fields()) alts.append(schema_to_dict(*f.type));
      out["alternatives"] = std::move(alts);
      break;
    }
  }
  return out;
}

}  // namespace mortar::python
