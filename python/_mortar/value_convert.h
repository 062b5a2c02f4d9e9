// Engine values <-> Python objects, shared by every part of `_mortar`.
//
// To Python (by the value's type): null None, boolean bool, integers int,
// float/double float, decimal decimal.Decimal, string str, binary bytes,
// date datetime.date, timestamp naive datetime.datetime (UTC), array list,
// map dict, struct dict in field order, choice the alternative's value.
// From Python, with the type inferred (bool before int): None null, bool
// boolean, int bigint (beyond 64 bits decimal(38,0)), float double,
// Decimal decimal(38,s), str string, bytes/bytearray binary, datetime
// timestamp (aware ones converted to UTC), date date, list/tuple array
// (element types merged), dict with str keys struct, other dicts map,
// DynamicRecord its struct. Anything else -> MortarError(InvalidArgument).
// All functions need the GIL.
#pragma once

#include <pybind11/pybind11.h>

#include <string_view>

#include "engine/record.h"
#include "types/data_type.h"
#include "types/value.h"

namespace mortar::python {

struct TypedValue {
  types::Value value;
  types::TypePtr type;
};

pybind11::object to_python(const types::Value& value, const types::DataType& type);
// With a hint (the type of the field being written), values that fit it
// keep it: writing 5 into an int field keeps int, into a double field
// stores 5.0, None keeps any type, a dict written over a struct keeps its
// fields' types where they fit; the rest is inferred.
TypedValue from_python(pybind11::handle obj, const types::TypePtr& hint = nullptr);

// A record (or a struct value of `type`) as a dict in field order.
pybind11::dict record_to_dict(const engine::Record& record);
pybind11::dict struct_to_dict(const types::Value& value, const types::DataType& type);
// A dict with str keys as a Record (field order kept); `what` names the
// object in errors ("record 3").
engine::Record record_from_dict(pybind11::handle obj, std::string_view what);

// Frame.schema()'s dict form: {"type": "struct", "fields": [...]} etc.
pybind11::dict schema_to_dict(const types::DataType& type);

// A str argument's UTF-8 bytes without copying (valid while obj lives);
// throws MortarError when obj is not a str.
std::string_view str_view(pybind11::handle obj, std::string_view what);

}  // namespace mortar::python
