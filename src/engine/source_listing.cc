// The file source's listing: roots and explicit inputs to SourceFiles
// (recurse, exclusions, hidden files, Hive key=value folders, formats by
// suffix or by sniffing).
#include <fmt/format.h>

#include <algorithm>

#include "engine/decompressing_file_system.h"
#include "engine/file_source.h"
#include "formats/hive_path.h"
#include "io/compression.h"
#include "io/file_system.h"
#include "io/glob_matcher.h"
#include "io/io_util.h"

namespace mortar::engine {

namespace {

std::string base_name(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Directory names between the root and the file; false when a directory is
// neither a partition (key=value) nor allowed by `recurse`.
bool relative_dirs(const std::string& rel, bool recurse,
                   std::vector<std::pair<std::string, std::optional<std::string>>>* partitions) {
  size_t start = 0;
  for (;;) {
    size_t slash = rel.find('/', start);
    if (slash == std::string::npos) return true;
    std::string part = rel.substr(start, slash - start);
    start = slash + 1;
    if (part.empty()) continue;
    if (part[0] == '.' || part[0] == '_') return false;  // hidden / marker directories
    size_t eq = part.find('=');
    if (eq != std::string::npos && eq > 0) {
      std::string value = part.substr(eq + 1);
      if (value == "__HIVE_DEFAULT_PARTITION__") {
        partitions->emplace_back(part.substr(0, eq), std::nullopt);
      } else {
        partitions->emplace_back(part.substr(0, eq), formats::hive_unescape(value));
      }
    } else if (!recurse) {
      return false;
    }
  }
}

StatusOr<const formats::Format*> sniff(io::FileSystem& fs, const std::string& path) {
  MORTAR_ASSIGN_OR_RETURN(std::string head, io::read_head(fs, path, 64 * 1024));
  const formats::Format* format = formats::format_for_content(head);
  if (!format)
    return invalid_input(fmt::format("{}: cannot tell the file format (pass format)", path));
  return format;
}

bool excluded(const io::GlobMatcher& exclusions, const std::string& path, const std::string& rel) {
  return exclusions.matches(path) || (!rel.empty() && exclusions.matches(rel));
}

}  // namespace

namespace {

// Lists one root (a file or a folder), `given` partition values first.
// `missing_ok`: a root that does not exist holds no files (explicit inputs).
Status list_root(const FileSourceOptions& o, const io::GlobMatcher& exclusions,
                 const std::string& root, const PartitionValues& given,
                 const formats::Format* forced, io::Codec codec, std::vector<SourceFile>& out,
                 bool missing_ok = false) {
  MORTAR_ASSIGN_OR_RETURN(io::FileSystem * fs, io::file_system_for(root));
  auto stat = fs->stat(root);
  if (missing_ok && absl::IsNotFound(stat.status())) return ok_status();
  MORTAR_ASSIGN_OR_RETURN(io::FileInfo info, std::move(stat));
  std::vector<std::pair<io::FileInfo, std::string>> files;  // with the relative path
  if (info.is_directory) {
    MORTAR_ASSIGN_OR_RETURN(auto listed, fs->list_recursive(root));
    std::string prefix = root;
    if (!prefix.empty() && prefix.back() != '/') prefix += '/';
    for (auto& f : listed) {
      if (f.is_directory) continue;
      std::string rel =
          f.path.rfind(prefix, 0) == 0 ? f.path.substr(prefix.size()) : base_name(f.path);
      files.emplace_back(std::move(f), std::move(rel));
    }
  } else {
    files.emplace_back(info, "");
  }
  for (auto& [f, rel] : files) {
    std::string name = base_name(f.path);
    if (name.empty() || name[0] == '.' || name[0] == '_') continue;
    SourceFile sf{f.path, forced, given, f.size, f.mtime_micros};
    PartitionValues found;
    if (!rel.empty() && !relative_dirs(rel, o.recurse, &found)) continue;
    if (excluded(exclusions, f.path, rel)) continue;
    for (auto& kv : found) {  // the given values win over folder names
      bool dup = false;
      for (const auto& g : given) dup = dup || g.first == kv.first;
      if (!dup) sf.partitions.push_back(std::move(kv));
    }
    if (!o.partition_columns) sf.partitions.clear();
    if (!sf.format) sf.format = formats::format_for_path(f.path);
    if (!sf.format) {
      DecompressingFileSystem dfs(*fs, codec);
      MORTAR_ASSIGN_OR_RETURN(sf.format, sniff(codec == io::Codec::kNone ? *fs : dfs, f.path));
    }
    out.push_back(std::move(sf));
  }
  return ok_status();
}

}  // namespace

StatusOr<std::vector<SourceFile>> list_source_files(const FileSourceOptions& o) {
  if (o.paths.empty() && o.files.empty()) return invalid_input("file source: no paths");
  const formats::Format* forced = nullptr;
  if (!o.format.empty()) {
    MORTAR_ASSIGN_OR_RETURN(forced, formats::format_by_name(o.format));
  }
  MORTAR_ASSIGN_OR_RETURN(io::Codec codec, io::codec_from_name(o.compression_type));
  // Matched against full paths too, so a leading '/' is kept.
  MORTAR_ASSIGN_OR_RETURN(
      io::GlobMatcher exclusions,
      io::GlobMatcher::compile(o.exclusions, io::GlobMatcher::LeadingSlash::kKeep));
  std::vector<SourceFile> out;
  std::vector<std::string> roots;
  for (const std::string& root : o.paths) {
    MORTAR_RETURN_IF_ERROR(list_root(o, exclusions, root, {}, forced, codec, out));
    roots.push_back(root);
  }
  for (const SourceInput& input : o.files) {
    if (input.path.empty()) return invalid_input("file source: an input without a path");
    MORTAR_RETURN_IF_ERROR(
        list_root(o, exclusions, input.path, input.partitions, forced, codec, out,
                  /*missing_ok=*/true));
    roots.push_back(input.path);
  }
  if (out.empty()) {
    return not_found(fmt::format("no data files under {}{}", fmt::join(roots, ", "),
                                 o.recurse ? "" : " (subdirectories are read only with recurse)"));
  }
  return out;
}

}  // namespace mortar::engine
