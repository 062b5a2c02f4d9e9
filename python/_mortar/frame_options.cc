#include "frame_options.h"

#include <optional>
#include <set>

#include "errors.h"
#include "value_convert.h"

namespace py = pybind11;

namespace mortar::python {

namespace {

std::string type_name(py::handle obj) { return Py_TYPE(obj.ptr())->tp_name; }

py::dict dict_arg(py::handle obj, std::string_view what) {
  if (!PyDict_Check(obj.ptr()))
    raise_invalid(std::string(what) + " must be a dict, not " + type_name(obj));
  return py::reinterpret_borrow<py::dict>(obj);
}

// Calls fn(key, value) for each entry, refusing keys outside `allowed`.
template <typename F>
void for_each_option(py::dict d, std::string_view what, const std::set<std::string>& allowed,
                     F&& fn) {
  for (auto item : d) {
    std::string key(str_view(item.first, std::string(what) + " keys"));
    if (!allowed.count(key)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      raise_invalid("unknown key '" + key + "' in " + std::string(what) + " (expected " + list +
                    ")");
    }
    if (item.second.is_none()) continue;
    fn(key, item.second);
  }
}

// Glue's format_options values are strings; bools and numbers given as
// Python values are written the way Glue's docs spell them.
formats::Options format_options_arg(py::handle obj, const std::string& what) {
  formats::Options out;
  for (auto item : dict_arg(obj, what)) {
    std::string key = str_arg(item.first, what + " keys");
    py::handle v = item.second;
    if (PyBool_Check(v.ptr())) {
      out[key] = v.ptr() == Py_True ? "true" : "false";
    } else if (PyUnicode_Check(v.ptr())) {
      out[key] = str_arg(v, what);
    } else if (PyLong_Check(v.ptr()) || PyFloat_Check(v.ptr())) {
      out[key] = std::string(py::str(v));
    } else {
      raise_invalid(what + "['" + key + "'] must be a str, bool or number, not " + type_name(v));
    }
  }
  return out;
}

std::vector<py::handle> sequence_items(py::handle obj, std::string_view what) {
  if (!PyList_Check(obj.ptr()) && !PyTuple_Check(obj.ptr()))
    raise_invalid(std::string(what) + " must be a list, not " + type_name(obj));
  std::vector<py::handle> out;
  for (py::handle item : py::reinterpret_borrow<py::sequence>(obj)) out.push_back(item);
  return out;
}

// One tuple of exactly n items.
std::vector<py::handle> tuple_items(py::handle obj, size_t n, const std::string& what) {
  if ((!PyList_Check(obj.ptr()) && !PyTuple_Check(obj.ptr())) || py::len(obj) != n)
    raise_invalid(what + " must be a tuple of " + std::to_string(n) + " items, not " +
                  std::string(py::repr(obj)));
  return sequence_items(obj, what);
}

// options['files']: explicit inputs, each {"path": ..., "partitions": {k: v}}.
void set_files(engine::FileSourceOptions& o, py::handle files) {
  for (py::handle item : sequence_items(files, "options['files']")) {
    py::dict d = dict_arg(item, "each of options['files']");
    engine::SourceInput e;
    bool has_path = false;
    for_each_option(d, "options['files'] entries", {"path", "partitions"},
                    [&](const std::string& key, py::handle v) {
                      if (key == "path") {
                        e.path = str_arg(v, "a file's path");
                        has_path = true;
                        return;
                      }
                      for (auto p : dict_arg(v, "a file's partitions")) {
                        std::optional<std::string> value;
                        if (!p.second.is_none()) value = str_arg(p.second, "a partition value");
                        e.partitions.emplace_back(str_arg(p.first, "a partition key"), value);
                      }
                    });
    if (!has_path) raise_invalid("each of options['files'] needs a 'path'");
    o.files.push_back(std::move(e));
  }
}

}  // namespace

std::string str_arg(py::handle obj, const std::string& what) {
  return std::string(str_view(obj, what));
}

int64_t int_arg(py::handle obj, const std::string& what) {
  if (!PyLong_Check(obj.ptr()) || PyBool_Check(obj.ptr()))
    raise_invalid(what + " must be an int, not " + type_name(obj));
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(obj.ptr(), &overflow);
  if (overflow) raise_invalid(what + " is out of range");
  return v;
}

double float_arg(py::handle obj, const std::string& what) {
  if ((!PyFloat_Check(obj.ptr()) && !PyLong_Check(obj.ptr())) || PyBool_Check(obj.ptr()))
    raise_invalid(what + " must be a number, not " + type_name(obj));
  return obj.cast<double>();
}

bool bool_arg(py::handle obj, const std::string& what) {
  if (!PyBool_Check(obj.ptr())) raise_invalid(what + " must be a bool, not " + type_name(obj));
  return obj.ptr() == Py_True;
}

std::vector<std::string> string_list(py::handle obj, std::string_view what) {
  if (PyUnicode_Check(obj.ptr()))
    raise_invalid(std::string(what) + " must be a list of str, not a str (wrap it in [...])");
  std::vector<std::string> out;
  for (py::handle item : sequence_items(obj, what))
    out.push_back(str_arg(item, "each of " + std::string(what)));
  return out;
}

engine::TransformOptions transform_options(py::handle opts) {
  engine::TransformOptions o;
  if (opts.is_none()) return o;
  for_each_option(dict_arg(opts, "opts"), "opts",
                  {"transformation_ctx", "info", "stage_threshold", "total_threshold"},
                  [&](const std::string& key, py::handle v) {
                    if (key == "transformation_ctx") {
                      o.transformation_ctx = str_arg(v, "opts['transformation_ctx']");
                    } else if (key == "info") {
                      o.info = str_arg(v, "opts['info']");
                    } else {
                      int64_t n = int_arg(v, "opts['" + key + "']");
                      if (n < 0) raise_invalid("opts['" + key + "'] must not be negative");
                      (key == "stage_threshold" ? o.stage_threshold : o.total_threshold) = n;
                    }
                  });
  return o;
}

std::vector<engine::Mapping> mappings_arg(py::handle obj) {
  std::vector<engine::Mapping> out;
  size_t i = 0;
  for (py::handle item : sequence_items(obj, "mappings")) {
    std::string what = "mapping " + std::to_string(i++);
    auto t = tuple_items(item, 4, what + " (source, source_type, target, target_type)");
    out.push_back({str_arg(t[0], what + " source"), str_arg(t[1], what + " source type"),
                   str_arg(t[2], what + " target"), str_arg(t[3], what + " target type")});
  }
  return out;
}

std::vector<engine::ResolveSpec> resolve_specs_arg(py::handle obj) {
  std::vector<engine::ResolveSpec> out;
  size_t i = 0;
  for (py::handle item : sequence_items(obj, "specs")) {
    std::string what = "spec " + std::to_string(i++);
    auto t = tuple_items(item, 2, what + " (path, action)");
    out.push_back({str_arg(t[0], what + " path"), str_arg(t[1], what + " action")});
  }
  return out;
}

std::vector<engine::Comparison> comparisons_arg(py::handle obj) {
  std::vector<engine::Comparison> out;
  size_t i = 0;
  for (py::handle item : sequence_items(obj, "comparisons")) {
    std::string what = "comparison " + std::to_string(i++);
    auto t = tuple_items(item, 3, what + " (path, op, value)");
    out.push_back(
        {str_arg(t[0], what + " path"), str_arg(t[1], what + " op"), from_python(t[2]).value});
  }
  return out;
}

engine::FileSourceOptions file_source_options(py::handle options) {
  engine::FileSourceOptions o;
  bool has_files = false;
  for_each_option(dict_arg(options, "options"), "from_files options",
                  {"paths", "recurse", "exclusions", "format", "format_options", "batch_rows",
                   "threads", "partition_columns", "files", "partition_types", "compression_type",
                   "group_files", "group_size", "table_columns"},
                  [&](const std::string& key, py::handle v) {
                    if (key == "paths") {
                      o.paths = PyUnicode_Check(v.ptr())
                                    ? std::vector<std::string>{str_arg(v, "paths")}
                                    : string_list(v, "options['paths']");
                    } else if (key == "recurse") {
                      o.recurse = bool_arg(v, "options['recurse']");
                    } else if (key == "exclusions") {
                      o.exclusions = string_list(v, "options['exclusions']");
                    } else if (key == "format") {
                      o.format = str_arg(v, "options['format']");
                    } else if (key == "format_options") {
                      o.format_options = format_options_arg(v, "options['format_options']");
                    } else if (key == "batch_rows") {
                      o.batch_rows = int_arg(v, "options['batch_rows']");
                      if (o.batch_rows < 1)
                        raise_invalid("options['batch_rows'] must be at least 1");
                    } else if (key == "threads") {
                      int64_t n = int_arg(v, "options['threads']");
                      if (n < 1 || n > 64)
                        raise_invalid("options['threads'] must be between 1 and 64");
                      o.threads = static_cast<int>(n);
                    } else if (key == "partition_columns") {
                      o.partition_columns = bool_arg(v, "options['partition_columns']");
                    } else if (key == "files") {
                      set_files(o, v);
                      has_files = true;
                    } else if (key == "partition_types") {
                      for (auto item : dict_arg(v, "options['partition_types']"))
                        o.partition_types[str_arg(item.first, "options['partition_types'] keys")] =
                            str_arg(item.second, "options['partition_types'] values");
                    } else if (key == "compression_type") {
                      o.compression_type = str_arg(v, "options['compression_type']");
                    } else if (key == "table_columns") {
                      size_t i = 0;
                      for (py::handle item : sequence_items(v, "options['table_columns']")) {
                        std::string what = "table column " + std::to_string(i++);
                        auto t = tuple_items(item, 2, what + " (name, type)");
                        o.table_columns.emplace_back(str_arg(t[0], what + " name"),
                                                     str_arg(t[1], what + " type"));
                      }
                    } else if (key == "group_files") {
                      o.group_files = bool_arg(v, "options['group_files']");
                    } else if (key == "group_size") {
                      o.group_size = int_arg(v, "options['group_size']");
                      if (o.group_size < 0)
                        raise_invalid("options['group_size'] must not be negative");
                    }
                  });
  if (o.paths.empty() && !has_files)
    raise_invalid(
        "from_files needs options['paths'] (a list of files or folders) or "
        "options['files']");
  return o;
}

engine::FileSinkOptions file_sink_options(py::handle options) {
  engine::FileSinkOptions o;
  for_each_option(
      dict_arg(options, "options"), "write_files options",
      {"path", "format", "format_options", "partition_keys", "compression", "num_files"},
      [&](const std::string& key, py::handle v) {
        if (key == "path") {
          o.path = str_arg(v, "options['path']");
        } else if (key == "format") {
          o.format = str_arg(v, "options['format']");
        } else if (key == "format_options") {
          o.format_options = format_options_arg(v, "options['format_options']");
        } else if (key == "partition_keys") {
          o.partition_keys = string_list(v, "options['partition_keys']");
        } else if (key == "compression") {
          o.compression = str_arg(v, "options['compression']");
        } else if (key == "num_files") {
          int64_t n = int_arg(v, "options['num_files']");
          if (n < 0 || n > 100000)
            raise_invalid("options['num_files'] must be between 0 and 100000");
          o.num_files = static_cast<int>(n);
        }
      });
  if (o.path.empty()) raise_invalid("write_files needs options['path']");
  if (o.format.empty()) raise_invalid("write_files needs options['format']");
  return o;
}

}  // namespace mortar::python
