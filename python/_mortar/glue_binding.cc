// The Glue side of `_mortar`: glue_call (one Glue API request over SigV4,
// io/aws), GlueServiceError, and the helpers the catalog code needs:
// list_files, delete_files on any io FileSystem (local paths, file://,
// s3://), hive_storage (a format's Hive classes, formats/hive_storage.h).
#include <pybind11/eval.h>
#include <pybind11/stl.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>

#include "bindings.h"
#include "errors.h"
#include "formats/hive_storage.h"
#include "io/aws/json_service_client.h"
#include "io/file_system.h"

namespace py = pybind11;

namespace mortar::python {
namespace {

PyObject* g_glue_error = nullptr;    // _mortar.GlueServiceError, kept for the process
PyObject* g_json_helpers = nullptr;  // dict with to_json / from_json

// Request dicts may hold datetimes (Glue's timestamps are epoch seconds on
// the wire; naive = UTC), Decimals and bytes (blobs are base64).
constexpr const char* kJsonHelpers = R"(
import base64, datetime, decimal, json

def _default(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.timestamp()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"glue_call: cannot send a value of type {type(value).__name__} in a request")

def to_json(request):
    return json.dumps(request, default=_default, separators=(",", ":"))

def from_json(text):
    return json.loads(text) if text else {}
)";

py::dict json_helpers() { return py::reinterpret_borrow<py::dict>(g_json_helpers); }

// One client per configuration seen in the environment (tests and scripts
// may change it); the credential chain inside is resolved once per client.
std::shared_ptr<io::aws::JsonServiceClient> client_from_environment() {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<io::aws::JsonServiceClient>> clients;
  auto env = io::s3::process_environment();
  std::string key;
  for (const char* name :
       {"MORTAR_ENDPOINT", "AWS_ENDPOINT_URL_GLUE", "AWS_ENDPOINT_URL", "AWS_REGION",
        "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"}) {
    key += env(name).value_or("") + '\x1f';
  }
  std::lock_guard<std::mutex> lock(mu);
  auto it = clients.find(key);
  if (it != clients.end()) return it->second;
  StatusOr<io::aws::JsonServiceOptions> options = io::aws::glue_options_from_environment(env);
  if (!options.ok()) return nullptr;
  auto client = std::make_shared<io::aws::JsonServiceClient>(std::move(options).value());
  clients[key] = client;
  return client;
}

[[noreturn]] void raise_glue_error(const Status& status, const std::string& operation) {
  std::string code = glue_error_name(status).value_or("");
  if (code.empty()) code = status_code_name(status);
  py::object cls = py::reinterpret_borrow<py::object>(g_glue_error);
  std::string message(status_message(status));
  py::object exc = cls(py::str(message), py::str(code));
  exc.attr("operation") = operation;
  exc.attr("status_code") = status_code_name(status);
  PyErr_SetObject(g_glue_error, exc.ptr());
  throw py::error_already_set();
}

py::object glue_call(const std::string& operation, py::object request) {
  if (operation.empty()) raise_invalid("glue_call: operation name is empty");
  if (!request.is_none() && !py::isinstance<py::dict>(request))
    raise_invalid("glue_call: request must be a dict, not " +
                  std::string(py::str(request.get_type().attr("__name__"))));
  std::string body = "{}";
  if (!request.is_none()) {
    try {
      body = json_helpers()["to_json"](request).cast<std::string>();
    } catch (py::error_already_set& e) {
      if (!e.matches(PyExc_TypeError) && !e.matches(PyExc_ValueError)) throw;
      raise_invalid(std::string(py::str(e.value())));
    }
  }
  auto client = client_from_environment();
  if (!client) {
    auto options = io::aws::glue_options_from_environment(io::s3::process_environment());
    raise_glue_error(options.status(), operation);
  }
  StatusOr<std::string> reply;
  {
    py::gil_scoped_release release;
    reply = client->call(operation, body);
  }
  if (!reply.ok()) raise_glue_error(reply.status(), operation);
  return json_helpers()["from_json"](py::str(*reply));
}

// Files under `path` (itself when it is a file), sorted; with recurse=false
// only those directly in it. with_info: dicts {path, size, mtime} (mtime in
// epoch seconds) instead of paths.
py::list list_files(const std::string& path, bool recurse, bool with_info) {
  if (path.empty()) raise_invalid("list_files: path is empty");
  std::vector<io::FileInfo> files;
  {
    py::gil_scoped_release release;
    StatusOr<io::FileSystem*> fs = io::file_system_for(path);
    if (fs.ok()) {
      StatusOr<std::vector<io::FileInfo>> listed = (*fs)->list_recursive(path);
      if (listed.ok()) {
        files = std::move(listed).value();
      } else {
        py::gil_scoped_acquire acquire;
        raise_if_error(listed.status());
      }
    } else {
      py::gil_scoped_acquire acquire;
      raise_if_error(fs.status());
    }
  }
  std::string prefix = path;
  while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
  py::list out;
  for (const io::FileInfo& f : files) {
    if (f.is_directory) continue;
    if (!recurse && f.path != prefix) {
      // Directly inside `path`: nothing but the name after "<path>/".
      if (f.path.size() <= prefix.size() + 1) continue;
      if (f.path.find('/', prefix.size() + 1) != std::string::npos) continue;
    }
    if (with_info) {
      py::dict d;
      d["path"] = f.path;
      d["size"] = f.size;
      d["mtime"] = static_cast<double>(f.mtime_micros) / 1e6;
      out.append(d);
    } else {
      out.append(py::str(f.path));
    }
  }
  return out;
}

// Removes each path (file or folder tree); missing ones are skipped.
// Returns how many were removed.
int64_t delete_files(const std::vector<std::string>& paths) {
  int64_t removed = 0;
  Status first_error;
  {
    py::gil_scoped_release release;
    for (const std::string& p : paths) {
      StatusOr<io::FileSystem*> fs = io::file_system_for(p);
      if (!fs.ok()) {
        first_error = fs.status();
        break;
      }
      Status s = (*fs)->remove(p);
      if (s.ok())
        ++removed;
      else if (s.code() != absl::StatusCode::kNotFound) {
        first_error = s;
        break;
      }
    }
  }
  raise_if_error(first_error);
  return removed;
}

// (InputFormat, OutputFormat, SerDe) for a format, or None.
py::object hive_storage(const std::string& format) {
  const formats::HiveStorage* s = formats::hive_storage(format);
  if (!s) return py::none();
  return py::make_tuple(std::string(s->input_format), std::string(s->output_format),
                        std::string(s->serde));
}

}  // namespace

void bind_glue(py::module_& m) {
  register_mortar_error(m);  // normally done by bind_frame(); idempotent
  if (!g_json_helpers) {
    py::dict scope;
    scope["__builtins__"] = py::module_::import("builtins");
    py::exec(kJsonHelpers, scope);
    g_json_helpers = scope.release().ptr();
  }
  if (!g_glue_error) {
    py::dict scope;
    scope["__builtins__"] = py::module_::import("builtins");
    scope["MortarError"] = mortar_error_type();
    py::exec(R"(
class GlueServiceError(MortarError):
    """A Glue API call failed: .code is the AWS error code
    ("EntityNotFoundException", ...) or, for failures without one, the status
    code name ("Unavailable", "InvalidArgument"); .operation the Glue operation."""
    operation = ""
    status_code = ""
)",
             scope);
    py::object cls = scope["GlueServiceError"];
    cls.attr("__module__") = "_mortar";
    g_glue_error = cls.release().ptr();
  }
  m.add_object("GlueServiceError", py::handle(g_glue_error));
  m.def("glue_call", &glue_call, py::arg("operation"), py::arg("request") = py::none(),
        "Sends one Glue API request (AWS JSON 1.1, SigV4) to MORTAR_ENDPOINT and returns the "
        "response as a dict; raises GlueServiceError.");
  m.def("list_files", &list_files, py::arg("path"), py::arg("recurse") = true,
        py::arg("with_info") = false,
        "Files under a path (local, file://, s3://), sorted. with_info: dicts with path, size, "
        "mtime (epoch seconds).");
  m.def("delete_files", &delete_files, py::arg("paths"),
        "Removes files or folder trees (missing ones are skipped); returns how many were removed.");
  m.def("hive_storage", &hive_storage, py::arg("format"),
        "(InputFormat, OutputFormat, SerDe) a Glue table stored as `format` names (csv, json, "
        "parquet, orc, avro, xml, grok), or None.");
}

}  // namespace mortar::python
