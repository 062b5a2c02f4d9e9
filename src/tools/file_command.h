// `mortar file`: inspect and convert data files, on its own like
// parquet-tools or `duckdb -c`:
//   mortar file schema PATH
//   mortar file head PATH [-n N]
//   mortar file cat PATH [--to jsonl|csv]
//   mortar file convert IN OUT [--format parquet|csv|json] [--compression C]
//                              [--partition-by col,...]
// PATH/IN may be a file or a directory (every data file under it, hidden and
// _-prefixed files skipped). The input format comes from the extension, or
// --input-format, or sniffing. --option k=v passes read format_options
// (e.g. separator=;), --output-option k=v write options. CSV input defaults
// to withHeader=true here (override with --option withHeader=false).
#pragma once

namespace mortar::tools {

// argv[0] is the program name ("mortar file"), argv[1] the subcommand.
// Returns the process exit code: 0 ok, 1 error, 2 usage error.
int run_file_command(int argc, char** argv);

}  // namespace mortar::tools
