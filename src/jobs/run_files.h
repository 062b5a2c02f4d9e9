// The files a run's process needs before it starts: the script
// (ScriptLocation, or the --scriptLocation argument) and --extra-py-files.
// Local paths (absolute, or file:// URIs) are used in place -- except .py
// extra files, which are linked into one directory so that only they, not
// their neighbours, become importable; s3:// objects are fetched through the
// io module's FileSystem into the run's working dir.
//
// Thread-safe (each call works in its own run's dir).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace mortar::jobs {

// The local path of the script to run. `workdir` receives fetched copies.
StatusOr<std::string> fetch_script(const std::string& location, const std::string& workdir);

// The PYTHONPATH entries for --extra-py-files (a comma list of .py files,
// .zip/.egg/.whl archives or directories).
StatusOr<std::vector<std::string>> fetch_extra_py_files(const std::string& list,
                                                        const std::string& workdir);

}  // namespace mortar::jobs
