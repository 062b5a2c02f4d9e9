// `_mortar.from_jdbc(options) -> Frame` and `_mortar.write_jdbc(frame,
// options) -> {"rows": n, "created_table": bool}`: the engine's JDBC source
// and sink (src/engine/jdbc) for PostgreSQL and SQLite. awsglue/_jdbc.py
// turns Glue's connection_options into these snake_case keys; unknown keys
// are errors so that typos fail loudly.
#include <pybind11/stl.h>

#include <string>

#include "bindings.h"
#include "engine/jdbc/jdbc_sink.h"
#include "engine/jdbc/jdbc_source.h"
#include "errors.h"
#include "frame_options.h"
#include "interrupt.h"

namespace py = pybind11;

namespace mortar::python {

namespace {

// None means "not given" (awsglue passes absent options through as None).
std::string str_value(py::handle v, const std::string& key) {
  return v.is_none() ? "" : str_arg(v, "JDBC option '" + key + "'");
}

int64_t int_value(py::handle v, const std::string& key) {
  if (v.is_none()) return 0;
  if (py::isinstance<py::str>(v)) {  // Glue passes numbers as strings ('hashpartitions': '5')
    const std::string s = v.cast<std::string>();
    try {
      size_t used = 0;
      long long n = std::stoll(s, &used);
      if (used == s.size()) return n;
    } catch (const std::exception&) {
    }
    raise_invalid("JDBC option '" + key + "' must be an integer, got " + std::string(py::repr(v)));
  }
  return int_arg(v, "JDBC option '" + key + "'");
}

py::dict options_dict(py::handle options) {
  if (!py::isinstance<py::dict>(options)) raise_invalid("JDBC options must be a dict");
  return py::reinterpret_borrow<py::dict>(options);
}

engine::jdbc::JdbcSourceOptions source_options(py::handle options) {
  engine::jdbc::JdbcSourceOptions o;
  for (auto [k, v] : options_dict(options)) {
    const std::string key = py::str(k);
    if (key == "url") o.url = str_value(v, key);
    else if (key == "user") o.user = str_value(v, key);
    else if (key == "password") o.password = str_value(v, key);
    else if (key == "dbtable") o.dbtable = str_value(v, key);
    else if (key == "sample_query") o.sample_query = str_value(v, key);
    else if (key == "filter_predicate")
      o.filter_predicate = str_value(v, key);
    else if (key == "hashfield") o.hashfield = str_value(v, key);
    else if (key == "hashexpression") o.hashexpression = str_value(v, key);
    else if (key == "hashpartitions") o.hashpartitions = static_cast<int>(int_value(v, key));
    else if (key == "batch_rows") o.batch_rows = int_value(v, key);
    else if (key == "connection_name") o.connection_name = str_value(v, key);
    else
      raise_invalid("from_jdbc: unknown option '" + key +
                    "' (url, user, password, dbtable, sample_query, filter_predicate, hashfield, "
                    "hashexpression, hashpartitions, batch_rows, connection_name)");
  }
  return o;
}

engine::jdbc::JdbcSinkOptions sink_options(py::handle options) {
  engine::jdbc::JdbcSinkOptions o;
  for (auto [k, v] : options_dict(options)) {
    const std::string key = py::str(k);
    if (key == "url") o.url = str_value(v, key);
    else if (key == "user") o.user = str_value(v, key);
    else if (key == "password") o.password = str_value(v, key);
    else if (key == "dbtable") o.dbtable = str_value(v, key);
    else if (key == "connection_name") o.connection_name = str_value(v, key);
    else
      raise_invalid("write_jdbc: unknown option '" + key +
                    "' (url, user, password, dbtable, connection_name)");
  }
  return o;
}

}  // namespace

void bind_jdbc(py::module_& m) {
  m.def(
      "from_jdbc",
      [](py::handle options) {
        auto o = source_options(options);
        return unwrap(run_action([&] { return engine::jdbc::read_jdbc(o); }));
      },
      py::arg("options"),
      "A lazy Frame over a PostgreSQL or SQLite table (url, dbtable, hashfield/hashexpression/"
      "hashpartitions, ...).");
  m.def(
      "write_jdbc",
      [](const engine::DynamicFrame& frame, py::handle options) {
        auto o = sink_options(options);
        auto r = unwrap(run_action([&] { return engine::jdbc::write_jdbc(frame, o); }));
        py::dict out;
        out["rows"] = r.rows;
        out["created_table"] = r.created_table;
        return out;
      },
      py::arg("frame"), py::arg("options"),
      "Writes the frame to a PostgreSQL (COPY) or SQLite table in one transaction; returns "
      "{'rows': n, 'created_table': bool}.");
}

}  // namespace mortar::python
