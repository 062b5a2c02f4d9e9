// `_mortar.Frame` (an engine DynamicFrame), from_files, from_records,
// write_files, and the registration of MortarError and DynamicRecord.
// Every engine call runs with the GIL released; arguments are converted
// before and results after, with the GIL held.
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "errors.h"
#include "frame_callbacks.h"
#include "frame_options.h"
#include "interrupt.h"
#include "record_binding.h"
#include "value_convert.h"

namespace py = pybind11;

namespace mortar::python {

using engine::DynamicFrame;
using engine::DynamicFrameCollection;

namespace {

py::dict collection_dict(DynamicFrameCollection frames) {
  py::dict out;
  for (auto& [name, frame] : frames) out[py::str(name)] = py::cast(std::move(frame));
  return out;
}

const DynamicFrame& frame_arg(py::handle obj, const char* what) {
  if (!py::isinstance<DynamicFrame>(obj))
    raise_invalid(std::string(what) + " must be a _mortar.Frame, not " +
                  Py_TYPE(obj.ptr())->tp_name);
  return obj.cast<const DynamicFrame&>();
}

int partitions_arg(py::handle arg, const char* what) {
  int64_t n = int_arg(arg, std::string(what) + "(n)");
  if (n < 1 || n > 100000)
    raise_invalid(std::string(what) + "(n): n must be between 1 and 100000, not " +
                  std::to_string(n));
  return static_cast<int>(n);
}

py::object callable_arg(py::object fn, const char* what) {
  if (!PyCallable_Check(fn.ptr()))
    raise_invalid(std::string(what) + " needs a callable, not " + Py_TYPE(fn.ptr())->tp_name);
  return fn;
}

// Batch by batch, each converted as it arrives (the GIL taken per batch),
// so the engine's copy of the data never exists all at once.
py::list to_records(const DynamicFrame& f) {
  py::list out;
  std::optional<py::error_already_set> failure;
  Status status = run_action([&] {
    return f.for_each_batch([&](const types::RecordBatch& batch) -> Status {
      py::gil_scoped_acquire gil;
      try {
        const auto& fields = batch.schema()->fields();
        std::vector<py::str> names;
        for (const auto& field : fields) names.emplace_back(field.name);
        for (int64_t r = 0; r < batch.num_rows(); ++r) {
          py::dict row;
          for (size_t c = 0; c < fields.size(); ++c) {
            py::object v =
                to_python(types::get_value(batch.column(static_cast<int>(c)), r), *fields[c].type);
            if (PyDict_SetItem(row.ptr(), names[c].ptr(), v.ptr()) < 0)
              throw py::error_already_set();
          }
          out.append(std::move(row));
        }
        return ok_status();
      } catch (py::error_already_set& e) {
        failure.emplace(std::move(e));
        return absl::CancelledError("converting records to Python failed");
      }
    });
  });
  if (failure) throw *failure;
  raise_if_error(status);
  return out;
}

void bind_frame_class(py::module_& m) {
  using F = DynamicFrame;
  py::class_<F>(m, "Frame", "A lazy, immutable DynamicFrame on Mortar's native engine.")
      // --- actions ---------------------------------------------------------
      .def("schema",
           [](const F& f) {
             return schema_to_dict(*unwrap(run_action([&] { return f.schema(); })));
           })
      .def("print_schema",
           [](const F& f) { return unwrap(run_action([&] { return f.print_schema(); })); })
      .def("count", [](const F& f) { return unwrap(run_action([&] { return f.count(); })); })
      .def(
          "show",
          [](const F& f, py::handle n_arg) {
            int64_t n = int_arg(n_arg, "show(n)");
            if (n < 0) raise_invalid("show(n): n must not be negative");
            return unwrap(run_action([&] { return f.show(n); }));
          },
          py::arg("n") = 20)
      .def("to_records", [](const F& f) { return to_records(f); })
      .def("num_partitions", &F::num_partitions)
      .def("errors_count",
           [](const F& f) { return unwrap(run_action([&] { return f.errors_count(); })); })
      .def("errors_frame",
           [](const F& f) {
             auto errors = run_action([&] { return f.errors_as_frame(); });
             raise_pending();
             return errors;
           })
      // --- transforms ------------------------------------------------------
      .def(
          "apply_mapping",
          [](const F& f, py::handle mappings, py::handle case_arg, py::handle opts) {
            auto m = mappings_arg(mappings);
            bool case_sensitive = bool_arg(case_arg, "case_sensitive");
            auto o = transform_options(opts);
            return unwrap(run_action([&] { return f.apply_mapping(m, case_sensitive, o); }));
          },
          py::arg("mappings"), py::arg("case_sensitive") = false, py::arg("opts") = py::none())
      .def(
          "resolve_choice",
          [](const F& f, py::handle specs, py::handle choice_arg, py::handle opts) {
            std::string choice = str_arg(choice_arg, "choice");
            auto s =
                specs.is_none() ? std::vector<engine::ResolveSpec>{} : resolve_specs_arg(specs);
            auto o = transform_options(opts);
            return unwrap(run_action([&] { return f.resolve_choice(s, choice, o); }));
          },
          py::arg("specs") = py::none(), py::arg("choice") = "", py::arg("opts") = py::none())
      .def(
          "select_fields",
          [](const F& f, py::handle paths, py::handle opts) {
            auto p = string_list(paths, "paths");
            auto o = transform_options(opts);
            return unwrap(run_action([&] { return f.select_fields(p, o); }));
          },
          py::arg("paths"), py::arg("opts") = py::none())
      .def(
          "drop_fields",
          [](const F& f, py::handle paths, py::handle opts) {
            auto p = string_list(paths, "paths");
            auto o = transform_options(opts);
            return unwrap(run_action([&] { return f.drop_fields(p, o); }));
          },
          py::arg("paths"), py::arg("opts") = py::none())
      .def(
          "rename_field",
          [](const F& f, py::handle old_arg, py::handle new_arg, py::handle opts) {
            std::string old_path = str_arg(old_arg, "rename_field old");
            std::string new_path = str_arg(new_arg, "rename_field new");
            auto o = transform_options(opts);
            return unwrap(run_action([&] { return f.rename_field(old_path, new_path, o); }));
          },
          py::arg("old"), py::arg("new"), py::arg("opts") = py::none())
      .def(
          "drop_null_fields",
          [](const F& f, py::handle opts) {
            auto o = transform_options(opts);
            return run_action([&] { return f.drop_null_fields(o); });
          },
          py::arg("opts") = py::none())
      .def(
          "filter",
          [](const F& f, py::object fn, py::handle opts) {
            auto cb = python_filter(callable_arg(fn, "filter"));
            auto o = transform_options(opts);
            return run_action([&] { return f.filter(std::move(cb), o); });
          },
          py::arg("fn"), py::arg("opts") = py::none())
      .def(
          "map",
          [](const F& f, py::object fn, py::handle opts) {
            auto cb = python_map(callable_arg(fn, "map"));
            auto o = transform_options(opts);
            return run_action([&] { return f.map(std::move(cb), o); });
          },
          py::arg("fn"), py::arg("opts") = py::none())
      .def(
          "union",
          [](const F& f, py::handle other_arg) {
            const F& other = frame_arg(other_arg, "union(other)");
            return run_action([&] { return f.union_with(other); });
          },
          py::arg("other"))
      .def(
          "join",
          [](const F& f, py::handle keys1, py::handle other_arg, py::handle keys2,
             py::handle opts) {
            const F& other = frame_arg(other_arg, "join(other)");
            auto k1 = string_list(keys1, "keys1");
            auto k2 = string_list(keys2, "keys2");
            auto o = transform_options(opts);
            return unwrap(run_action([&] { return f.join(k1, other, k2, o); }));
          },
          py::arg("keys1"), py::arg("other"), py::arg("keys2"), py::arg("opts") = py::none())
      .def(
          "drop_duplicates",
          [](const F& f, py::handle paths) {
            auto p = paths.is_none() ? std::vector<std::string>{} : string_list(paths, "paths");
            return unwrap(run_action([&] { return f.drop_duplicates(p); }));
          },
          py::arg("paths") = py::none())
      .def(
          "split_fields",
          [](const F& f, py::handle paths, py::handle name1_arg, py::handle name2_arg) {
            auto p = string_list(paths, "paths");
            std::string name1 = str_arg(name1_arg, "name1"), name2 = str_arg(name2_arg, "name2");
            return collection_dict(
                unwrap(run_action([&] { return f.split_fields(p, name1, name2); })));
          },
          py::arg("paths"), py::arg("name1"), py::arg("name2"))
      .def(
          "split_rows",
          [](const F& f, py::handle comparisons, py::handle name1_arg, py::handle name2_arg,
             py::handle opts) {
            auto c = comparisons_arg(comparisons);
            std::string name1 = str_arg(name1_arg, "name1"), name2 = str_arg(name2_arg, "name2");
            auto o = transform_options(opts);
            return collection_dict(
                unwrap(run_action([&] { return f.split_rows(c, name1, name2, o); })));
          },
          py::arg("comparisons"), py::arg("name1"), py::arg("name2"), py::arg("opts") = py::none())
      .def(
          "relationalize",
          [](const F& f, py::handle root_arg) {
            std::string root = str_arg(root_arg, "relationalize(root)");
            return collection_dict(unwrap(run_action([&] { return f.relationalize(root); })));
          },
          py::arg("root"))
      .def(
          "unbox",
          [](const F& f, py::handle path_arg, py::handle format_arg, py::handle opts) {
            std::string path = str_arg(path_arg, "unbox path");
            std::string format = str_arg(format_arg, "unbox format");
            auto o = transform_options(opts);
            return unwrap(run_action([&] { return f.unbox(path, format, o); }));
          },
          py::arg("path"), py::arg("format") = "json", py::arg("opts") = py::none())
      .def("unnest", [](const F& f) { return run_action([&] { return f.unnest(); }); })
      .def(
          "spigot",
          [](const F& f, py::handle path_arg, py::handle topk_arg, py::handle prob_arg) {
            std::string path = str_arg(path_arg, "spigot path");
            int64_t topk = int_arg(topk_arg, "spigot topk");
            double prob = float_arg(prob_arg, "spigot prob");
            if (topk < 0) raise_invalid("spigot: topk must not be negative");
            if (!(prob >= 0.0 && prob <= 1.0)) raise_invalid("spigot: prob must be within [0, 1]");
            return unwrap(run_action([&] { return f.spigot(path, topk, prob); }));
          },
          py::arg("path"), py::arg("topk") = 100, py::arg("prob") = 1.0)
      .def(
          "merge_frames",
          [](const F& f, py::handle staging_arg, py::handle keys) {
            const F& staging = frame_arg(staging_arg, "merge_frames(staging)");
            auto k = string_list(keys, "primary_keys");
            return unwrap(run_action([&] { return f.merge_frames(staging, k); }));
          },
          py::arg("staging"), py::arg("primary_keys"))
      .def(
          "repartition",
          [](const F& f, py::handle n) { return f.repartition(partitions_arg(n, "repartition")); },
          py::arg("n"))
      .def(
          "coalesce",
          [](const F& f, py::handle n) { return f.coalesce(partitions_arg(n, "coalesce")); },
          py::arg("n"))
      .def("__repr__", [](const F& f) {
        return "<_mortar.Frame " + f.node()->name() +
               (f.num_partitions() ? " partitions=" + std::to_string(f.num_partitions()) : "") +
               ">";
      });
}

}  // namespace

void bind_frame(py::module_& m) {
  register_mortar_error(m);
  bind_record(m);
  bind_frame_class(m);

  m.def(
      "from_files",
      [](py::handle options) {
        auto o = file_source_options(options);
        return unwrap(run_action([&] { return DynamicFrame::from_files(o); }));
      },
      py::arg("options"), "A Frame reading files (FileSourceOptions as a dict).");
  m.def(
      "list_source_files",
      [](py::handle options) {
        auto o = file_source_options(options);
        auto files = unwrap(run_action([&] { return engine::list_source_files(o); }));
        py::list out;
        for (const engine::SourceFile& f : files) {
          py::dict d, partitions;
          for (const auto& [key, value] : f.partitions)
            partitions[py::str(key)] = value ? py::object(py::str(*value)) : py::object(py::none());
          d["path"] = f.path;
          d["size"] = f.size;
          d["mtime_ms"] = f.mtime_micros / 1000;
          d["partitions"] = partitions;
          out.append(d);
        }
        return out;
      },
      py::arg("options"),
      "The files from_files(options) would read, as dicts with path, size, mtime_ms and "
      "partitions (job bookmarks choose among them and pass the choice as options['files']).");
  m.def(
      "from_records",
      [](py::handle records) {
        if (!PyList_Check(records.ptr()) && !PyTuple_Check(records.ptr()))
          raise_invalid(std::string("from_records needs a list of dicts, not ") +
                        Py_TYPE(records.ptr())->tp_name);
        std::vector<engine::Record> recs;
        size_t i = 0;
        for (py::handle item : py::reinterpret_borrow<py::sequence>(records))
          recs.push_back(record_from_dict(item, "record " + std::to_string(i++)));
        return unwrap(run_action([&] { return DynamicFrame::from_records(recs); }));
      },
      py::arg("records"), "A Frame over in-memory records (dicts; types inferred).");
  m.def(
      "write_files",
      [](py::handle frame_obj, py::handle options) {
        const DynamicFrame& frame = frame_arg(frame_obj, "write_files(frame)");
        auto o = file_sink_options(options);
        auto result = unwrap(run_action([&] { return engine::write_files(frame, o); }));
        py::dict out;
        out["files"] = py::cast(result.files);
        out["rows"] = result.rows;
        // What was written (keys included), so catalog updates need no schema pass.
        if (result.schema) out["schema"] = schema_to_dict(*result.schema);
        out["attempts"] = result.attempts;
        if (result.attempts > 1) {
          // Why this write took longer than its data alone explains.
          PySys_WriteStderr(
              "mortar: writing %s: a CSV value past the rows sampled for the schema changed a "
              "column's type; the write ran again with the whole files' schema\n",
              o.path.c_str());
        }
        return out;
      },
      py::arg("frame"), py::arg("options"),
      "Writes a Frame as files (FileSinkOptions as a dict); returns {files, rows, schema, attempts}.");
}

}  // namespace mortar::python
