#include "crawler/plan/table_grouper.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "common/ascii.h"
#include "crawler/classify/file_classifier.h"
#include "crawler/plan/schema_merge.h"
#include "crawler/plan/table_names.h"

namespace mortar::crawler {

namespace {

constexpr size_t kMaxReasonsPerTable = 12;

std::string format_key(const Classification& c) {
  return c.compression_type.empty() ? c.classification
                                    : c.classification + " (" + c.compression_type + ")";
}

// A folder of the listing tree with what the rules need to know about the
// files below it.
struct Node {
  std::string relative;  // below the include path; "" for the include path itself
  int depth = 0;         // folders below the include path
  std::map<std::string, std::unique_ptr<Node>> children;  // by folder name, sorted
  std::vector<const ClassifiedFile*> files;                // directly in this folder
  std::map<std::string, int64_t> formats;                  // format key -> files below
  std::string format;                                      // the most common one
  int files_depth = -1;  // depth below this folder holding every file; -1 when mixed
  types::TypePtr schema;
  bool mergeable = false;
  std::string decision;  // why this folder's sub-folders were merged or split
};

struct Context {
  const CrawlerConfig& config;
  const std::string& root;  // include path
  int root_level;
  std::vector<PlannedTable>& tables;
  std::vector<CrawlProblem>& problems;
};

void add_file(Node& root, const ClassifiedFile& f) {
  Node* n = &root;
  std::string_view rel = f.relative;
  size_t start = 0;
  for (size_t slash = rel.find('/'); slash != std::string_view::npos; slash = rel.find('/', start)) {
    std::string name(rel.substr(start, slash - start));
    auto& child = n->children[name];
    if (!child) {
      child = std::make_unique<Node>();
      child->relative = n->relative.empty() ? name : n->relative + "/" + name;
      child->depth = n->depth + 1;
    }
    n = child.get();
    start = slash + 1;
  }
  n->files.push_back(&f);
}

std::string folder_name(const Context& ctx, const Node& n) {
  return n.relative.empty() ? ctx.root + "/" : ctx.root + "/" + n.relative + "/";
}

void summarize(Node& n, const Context& ctx) {
  for (auto& [name, child] : n.children) summarize(*child, ctx);
  for (const ClassifiedFile* f : n.files) {
    ++n.formats[format_key(*f->classification)];
    n.schema = widen_types(n.schema, f->classification->schema);
  }
  bool children_agree = true;
  int child_depth = -2;
  for (auto& [name, child] : n.children) {
    for (const auto& [fmt_key, count] : child->formats) n.formats[fmt_key] += count;
    n.schema = widen_types(n.schema, child->schema);
    if (child_depth == -2) child_depth = child->files_depth;
    if (child->files_depth != child_depth || child->files_depth < 0) children_agree = false;
  }
  int64_t best = -1;
  for (const auto& [fmt_key, count] : n.formats)
    if (count > best) best = count, n.format = fmt_key;

  if (n.children.empty()) {
    n.files_depth = 0;
  } else if (n.files.empty() && children_agree) {
    n.files_depth = child_depth + 1;
  } else {
    n.files_depth = -1;
  }

  const std::string where = folder_name(ctx, n);
  if (n.formats.size() > 1) {
    std::string list;
    for (const auto& [fmt_key, count] : n.formats)
      list += fmt::format("{}{} {}", list.empty() ? "" : ", ", count, fmt_key);
    n.decision = fmt::format("{}: formats differ below this folder ({}), so it is no single table",
                             where, list);
    return;
  }
  if (n.children.empty()) {
    n.mergeable = true;
    return;
  }
  if (!n.files.empty()) {
    n.decision = fmt::format("{}: holds {} files beside {} sub-folders, so its sub-folders are not "
                             "partitions", where, n.files.size(), n.children.size());
    return;
  }
  for (auto& [name, child] : n.children) {
    if (!child->mergeable) {
      n.decision = fmt::format("{}: sub-folder {} is not one table, so neither is this folder",
                               where, name);
      return;
    }
  }
  if (!children_agree) {
    n.decision = fmt::format("{}: sub-folders hold files at different depths, so they cannot be "
                             "partitions of one table", where);
    return;
  }
  if (n.children.size() == 1) {
    n.mergeable = true;
    return;
  }
  // Cluster the sub-folders' schemas: each joins the first cluster whose
  // first member it is similar enough to.
  struct Cluster {
    types::TypePtr representative;
    std::string first;
    size_t members = 0;
  };
  std::vector<Cluster> clusters;
  double lowest_joined = 1.0;
  std::string lowest_pair;
  double highest_rejected = -1.0;
  std::string rejected_pair;
  const bool combine = ctx.config.combine_compatible_schemas;
  for (auto& [name, child] : n.children) {
    bool joined = false;
    for (auto& c : clusters) {
      double sim = combine ? 1.0 : schema_similarity(c.representative, child->schema);
      if (sim >= ctx.config.similarity_threshold) {
        ++c.members;
        if (sim < lowest_joined) {
          lowest_joined = sim;
          lowest_pair = fmt::format("{} vs {}", name, c.first);
        }
        joined = true;
        break;
      }
      if (sim > highest_rejected) {
        highest_rejected = sim;
        rejected_pair = fmt::format("{} vs {}", name, c.first);
      }
    }
    if (!joined) clusters.push_back({child->schema, name, 1});
  }
  size_t largest = 0;
  for (const auto& c : clusters) largest = std::max(largest, c.members);
  const size_t count = n.children.size();
  const int max_clusters = ctx.config.max_schema_clusters;
  n.mergeable = clusters.size() <= static_cast<size_t>(max_clusters) && largest * 2 > count;
  std::string scores;
  if (combine) {
    scores = "CombineCompatibleSchemas ignores schema similarity";
  } else {
    if (!lowest_pair.empty())
      scores += fmt::format("lowest similarity within a cluster {:.2f} ({}) >= {:.2f}",
                            lowest_joined, lowest_pair, ctx.config.similarity_threshold);
    if (!rejected_pair.empty())
      scores += fmt::format("{}highest similarity across clusters {:.2f} ({}) < {:.2f}",
                            scores.empty() ? "" : "; ", highest_rejected, rejected_pair,
                            ctx.config.similarity_threshold);
    if (scores.empty()) scores = "identical schemas";
  }
  if (n.mergeable) {
    n.decision = fmt::format("{}: {} sub-folders merged as partitions: {} schema cluster(s) <= {}, "
                             "the largest holds {} of {} (a majority); {}",
                             where, count, clusters.size(), max_clusters, largest, count, scores);
  } else {
    n.decision = fmt::format("{}: {} sub-folders split into separate tables: {} schema clusters "
                             "(at most {} allowed), the largest holds {} of {} (a majority is "
                             "needed); {}",
                             where, count, clusters.size(), max_clusters, largest, count, scores);
  }
}

void fold(Classification& acc, const ClassifiedFile& f, bool first) {
  if (first) {
    acc = *f.classification;
    acc.record_count = f.record_count;
    acc.average_record_size = f.average_record_size;
  } else {
    merge_classification(acc, *f.classification, f.record_count, f.average_record_size);
  }
}

void collect_files(const Node& n, std::vector<const ClassifiedFile*>& out) {
  out.insert(out.end(), n.files.begin(), n.files.end());
  for (const auto& [name, child] : n.children) collect_files(*child, out);
}

void collect_decisions(const Node& n, std::vector<std::string>& out, size_t& skipped) {
  for (const auto& [name, child] : n.children) {
    if (!child->decision.empty()) {
      if (out.size() < kMaxReasonsPerTable) {
        out.push_back(child->decision);
      } else {
        ++skipped;
      }
    }
    collect_decisions(*child, out, skipped);
  }
}

bool is_integer(std::string_view v) {
  if (v.starts_with("-")) v.remove_prefix(1);
  if (v.empty() || v.size() > 18) return false;
  return std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_date(std::string_view v) {
  if (v.size() != 10 || v[4] != '-' || v[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (v[i] < '0' || v[i] > '9') return false;
  int month = (v[5] - '0') * 10 + (v[6] - '0');
  int day = (v[8] - '0') * 10 + (v[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

std::vector<std::string> template_names(const std::string& path_template) {
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= path_template.size()) {
    size_t slash = path_template.find('/', start);
    std::string seg = path_template.substr(start, slash == std::string::npos ? std::string::npos
                                                                             : slash - start);
    if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
      names.push_back(sanitize_name(seg.substr(1, seg.size() - 2)));
    } else {
      names.emplace_back();
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return names;
}

// Builds one table rooted at `n` from `files` (all below n).
void build_table(const Node& n, std::vector<const ClassifiedFile*> files,
                 std::vector<std::string> reasons, Context& ctx) {
  if (files.empty()) return;
  const std::string where = folder_name(ctx, n);
  // Keep the most common format; Glue skips files that do not match their table.
  std::map<std::string, int64_t> formats;
  for (const auto* f : files) ++formats[format_key(*f->classification)];
  std::string format;
  int64_t best = -1;
  for (const auto& [k, c] : formats)
    if (c > best) best = c, format = k;
  // Partition depth: the most common folder depth of the files below n.
  auto depth_of = [&](const ClassifiedFile* f) {
    std::string_view rel = f->relative;
    if (!n.relative.empty()) rel.remove_prefix(n.relative.size() + 1);
    return static_cast<int>(std::count(rel.begin(), rel.end(), '/'));
  };
  std::map<int, int64_t> depths;
  for (const auto* f : files)
    if (format_key(*f->classification) == format) ++depths[depth_of(f)];
  int depth = 0;
  best = -1;
  for (const auto& [d, c] : depths)
    if (c > best) best = c, depth = d;

  std::vector<const ClassifiedFile*> kept;
  for (const auto* f : files) {
    std::string fk = format_key(*f->classification);
    if (fk != format) {
      ctx.problems.push_back({f->entry.path, fmt::format("skipped: its format {} differs from its "
                                                         "table's ({}, rooted at {})",
                                                         fk, format, where)});
    } else if (int d = depth_of(f); d != depth) {
      ctx.problems.push_back({f->entry.path, fmt::format("skipped: it lies {} folder(s) below its "
                                                         "table's root {}, the table's partitions "
                                                         "lie {} below",
                                                         d, where, depth)});
    } else {
      kept.push_back(f);
    }
  }

  PlannedTable t;
  bool file_target = kept.size() == 1 && kept[0]->relative.empty();
  if (file_target) {
    std::string_view root = ctx.root;
    auto slash = root.rfind('/');
    t.location = std::string(root.substr(0, slash == std::string_view::npos ? 0 : slash + 1));
  } else {
    t.location = where;
  }
  std::string base = n.relative.empty() ? last_segment(ctx.root) : last_segment(n.relative);
  if (file_target) base = last_segment(t.location);
  t.name = sanitize_name(base);

  // Partition values per file and keys per level.
  std::map<std::string, PlannedPartition> partitions;  // by folder below the table root
  std::vector<std::vector<std::string>> level_values(depth);
  for (const auto* f : kept) {
    std::string_view rel = f->relative;
    if (!n.relative.empty()) rel.remove_prefix(n.relative.size() + 1);
    auto slash = rel.rfind('/');
    std::string folder(slash == std::string_view::npos ? std::string_view() : rel.substr(0, slash));
    fold(t.classification, *f, t.object_count == 0);
    t.object_count += 1;
    t.size_bytes += f->entry.size;
    if (depth == 0) continue;
    auto [it, inserted] = partitions.try_emplace(folder);
    PlannedPartition& p = it->second;
    if (inserted) {
      p.location = where + folder + "/";
      size_t start = 0;
      for (int level = 0; level < depth; ++level) {
        size_t end = folder.find('/', start);
        std::string seg = folder.substr(start, end == std::string::npos ? std::string::npos : end - start);
        p.values.push_back(seg);
        level_values[level].push_back(seg);
        start = end == std::string::npos ? folder.size() : end + 1;
      }
    }
    fold(p.classification, *f, inserted);
    p.object_count += 1;
    p.size_bytes += f->entry.size;
  }

  std::vector<std::string> templ = template_names(ctx.config.path_template);
  std::set<std::string> used;
  for (int level = 0; level < depth; ++level) {
    const auto& values = level_values[level];
    std::string hive_key;
    bool hive = !values.empty();
    for (const auto& v : values) {
      auto eq = v.find('=');
      if (eq == std::string::npos || eq == 0) {
        hive = false;
        break;
      }
      std::string key = v.substr(0, eq);
      if (hive_key.empty()) hive_key = key;
      if (key != hive_key) {
        hive = false;
        break;
      }
    }
    std::string key;
    if (hive) {
      key = sanitize_name(hive_key);
    } else if (level < static_cast<int>(templ.size()) && !templ[level].empty()) {
      key = templ[level];
    }
    if (key.empty() || used.count(key)) key = fmt::format("partition_{}", level);
    used.insert(key);
    std::vector<std::string> typed_values;
    if (hive) {
      for (auto& [folder, p] : partitions) p.values[level] = p.values[level].substr(hive_key.size() + 1);
    }
    for (const auto& [folder, p] : partitions) typed_values.push_back(p.values[level]);
    t.partition_keys.emplace_back(key, partition_key_type(typed_values, ctx.config.typed_partitions));
  }
  for (auto& [folder, p] : partitions) t.partitions.push_back(std::move(p));

  // A column named like a partition key would be a duplicate column in Hive.
  if (t.classification.schema && !t.partition_keys.empty()) {
    std::vector<types::Field> fields;
    for (const auto& f : t.classification.schema->fields()) {
      bool clash = std::any_of(t.partition_keys.begin(), t.partition_keys.end(),
                               [&](const auto& k) { return k.first == f.name; });
      if (clash) {
        reasons.push_back(fmt::format("column {} dropped from the schema: a partition key has its name",
                                      f.name));
      } else {
        fields.push_back(f);
      }
    }
    if (fields.size() != t.classification.schema->fields().size())
      t.classification.schema = types::DataType::structure(std::move(fields));
  }

  t.classified_by = classified_by(kept);
  t.reasons.push_back(fmt::format("table rooted at {}: {} {} file(s){}", t.location, t.object_count,
                                  format,
                                  depth == 0 ? std::string()
                                             : fmt::format(" in {} partition(s), {} partition level(s)",
                                                           t.partitions.size(), depth)));
  for (auto& r : reasons) t.reasons.push_back(std::move(r));
  ctx.tables.push_back(std::move(t));
}

void emit(Node& n, Context& ctx) {
  const int level = ctx.root_level + n.depth;
  const std::string where = folder_name(ctx, n);
  if (ctx.config.table_level) {
    const int wanted = *ctx.config.table_level;
    if (level == wanted || (n.depth == 0 && ctx.root_level > wanted)) {
      std::vector<const ClassifiedFile*> files;
      collect_files(n, files);
      std::vector<std::string> reasons = {
          level == wanted
              ? fmt::format("TableLevelConfiguration {}: {} is at level {}", wanted, where, level)
              : fmt::format("TableLevelConfiguration {}: the include path {} is below that level "
                            "(level {}), so the table is rooted there",
                            wanted, where, level)};
      build_table(n, std::move(files), std::move(reasons), ctx);
      return;
    }
    if (!n.files.empty())
      build_table(n, n.files,
                  {fmt::format("TableLevelConfiguration {}: files in {} (level {}) lie above the "
                               "table level",
                               wanted, where, level)},
                  ctx);
    for (auto& [name, child] : n.children) emit(*child, ctx);
    return;
  }
  if (n.mergeable) {
    std::vector<const ClassifiedFile*> files;
    collect_files(n, files);
    std::vector<std::string> reasons;
    if (!n.decision.empty()) reasons.push_back(n.decision);
    size_t skipped = 0;
    collect_decisions(n, reasons, skipped);
    if (skipped) reasons.push_back(fmt::format("... and {} more merge decisions below", skipped));
    build_table(n, std::move(files), std::move(reasons), ctx);
    return;
  }
  if (!n.files.empty()) {
    std::vector<std::string> reasons;
    if (!n.decision.empty()) reasons.push_back(n.decision);
    reasons.push_back(fmt::format("the files directly in {} make a table rooted there", where));
    build_table(n, n.files, std::move(reasons), ctx);
  }
  for (auto& [name, child] : n.children) {
    size_t before = ctx.tables.size();
    emit(*child, ctx);
    // Say why the parent did not take these folders in.
    if (!n.decision.empty())
      for (size_t i = before; i < ctx.tables.size(); ++i) ctx.tables[i].reasons.push_back(n.decision);
  }
}

}  // namespace

std::string classified_by(const std::vector<const ClassifiedFile*>& files) {
  std::map<std::string, int64_t> counts;
  for (const auto* f : files) ++counts[f->classification->classifier_name];
  if (counts.size() == 1) return describe_classifier(counts.begin()->first);
  std::vector<std::pair<int64_t, std::string>> by_count;
  for (const auto& [name, n] : counts) by_count.emplace_back(-n, name);
  std::sort(by_count.begin(), by_count.end());
  std::string out;
  for (const auto& [n, name] : by_count)
    out += fmt::format("{}{} ({} file(s))", out.empty() ? "" : "; ", describe_classifier(name), -n);
  return out;
}

int path_level(std::string_view path) {
  if (auto scheme = path.find("://"); scheme != std::string_view::npos) path.remove_prefix(scheme + 3);
  int level = 0;
  size_t start = 0;
  while (start < path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) ++level;
    start = slash + 1;
  }
  return level;
}

std::string partition_key_type(const std::vector<std::string>& values, bool typed) {
  if (!typed || values.empty()) return "string";
  if (std::all_of(values.begin(), values.end(), [](const std::string& v) { return is_integer(v); }))
    return "bigint";
  if (std::all_of(values.begin(), values.end(), [](const std::string& v) { return is_date(v); }))
    return "date";
  return "string";
}

std::vector<PlannedTable> group_files(const std::vector<GroupingTarget>& targets,
                                      const GroupingOptions& options,
                                      std::vector<CrawlProblem>& problems) {
  std::vector<PlannedTable> tables;
  const CrawlerConfig& config = *options.config;
  for (const auto& target : targets) {
    if (target.files.empty()) continue;
    Node root;
    for (const auto& f : target.files) add_file(root, f);
    Context ctx{config, target.root, path_level(target.root), tables, problems};
    summarize(root, ctx);
    emit(root, ctx);
  }
  std::string prefix = ascii_lower(options.table_prefix);
  for (auto& t : tables) t.name = prefix + t.name;
  resolve_name_clashes(tables);
  return tables;
}

}  // namespace mortar::crawler
