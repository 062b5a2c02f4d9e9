#include "crawler/plan/crawl_planner.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "crawler/plan/crawl_manifest.h"
#include "crawler/plan/file_lister.h"
#include "crawler/plan/schema_merge.h"
#include "crawler/plan/table_grouper.h"
#include "io/glob_matcher.h"

namespace mortar::crawler {

namespace {

constexpr int kMaxSampleSize = 249;  // Glue's limit for S3Target.SampleSize

struct TargetSpec {
  std::string path;
  std::vector<std::string> exclusions;
  std::optional<int> sample_size;
};

StatusOr<TargetSpec> parse_target(const Json& t, size_t index) {
  if (!t.is_object()) return invalid_input(fmt::format("S3Targets[{}] is not an object", index));
  TargetSpec spec;
  auto path = t.find("Path");
  if (path == t.end() || !path->is_string() || path->get<std::string>().empty())
    return invalid_input(fmt::format("S3Targets[{}].Path is missing", index));
  spec.path = path->get<std::string>();
  if (auto ex = t.find("Exclusions"); ex != t.end() && !ex->is_null()) {
    if (!ex->is_array()) return invalid_input(fmt::format("S3Targets[{}].Exclusions must be a list", index));
    for (const auto& e : *ex) {
      if (!e.is_string())
        return invalid_input(fmt::format("S3Targets[{}].Exclusions must hold strings", index));
      spec.exclusions.push_back(e.get<std::string>());
    }
  }
  if (auto ss = t.find("SampleSize"); ss != t.end() && !ss->is_null()) {
    if (!ss->is_number_integer() || ss->get<int64_t>() < 1 || ss->get<int64_t>() > kMaxSampleSize)
      return invalid_input(fmt::format("S3Targets[{}].SampleSize must be an integer from 1 to {}",
                                       index, kMaxSampleSize));
    spec.sample_size = ss->get<int>();
  }
  return spec;
}

std::string parent_folder(std::string_view path) {
  auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? std::string_view() : path.substr(0, slash));
}

StatusOr<io::FileSystem*> resolve_fs(PlanEnvironment& env, const std::string& path) {
  if (env.file_system_for) return env.file_system_for(path);
  return io::file_system_for(path);
}

// A path as events name it: local URIs without "file://".
std::string_view comparable(std::string_view path) {
  if (path.starts_with("file://")) path.remove_prefix(7);
  return path;
}

// CRAWL_EVENT_MODE: the target's listing made of the direct files of the
// folders that hold `objects` (listed now) and every other file of the
// previous crawl's manifest. `fresh` counts the files listed now.
StatusOr<TargetListing> list_changed_folders(const TargetSpec& spec, io::FileSystem& fs, bool local,
                                             const ListOptions& options,
                                             const ManifestSnapshot& manifest,
                                             const std::vector<std::string>& objects,
                                             std::vector<CrawlProblem>& problems, int64_t* fresh,
                                             std::set<std::string>* folders) {
  TargetListing out;
  out.root = spec.path;
  while (out.root.size() > 1 && out.root.back() == '/' && !out.root.ends_with("://"))
    out.root.pop_back();
  const std::string root = std::string(comparable(out.root)) + "/";
  for (const std::string& o : objects) {
    std::string_view c = comparable(o);
    if (c.starts_with(root)) folders->insert(parent_folder(c.substr(root.size())));
  }
  for (const std::string& folder : *folders) {
    if (options.cancel && options.cancel->cancelled())
      return absl::CancelledError("crawl stopped while listing");
    ListOptions no_exclusions = options;
    no_exclusions.exclusions = nullptr;
    const std::string path = folder.empty() ? out.root : out.root + "/" + folder;
    std::vector<CrawlProblem> listed_problems;
    MORTAR_ASSIGN_OR_RETURN(TargetListing part,
                            list_target(path, fs, local, no_exclusions, listed_problems));
    // A folder gone since its event is no problem: its files are gone too.
    for (CrawlProblem& p : listed_problems)
      if (p.path != path) problems.push_back(std::move(p));
    out.ignored += part.ignored;
    for (ListedFile& f : part.files) {
      if (f.relative.empty() || f.relative.find('/') != std::string::npos) continue;
      f.relative = folder.empty() ? f.relative : folder + "/" + f.relative;
      if (options.exclusions && options.exclusions->excludes(f.relative)) {
        ++out.excluded;
        continue;
      }
      out.files.push_back(std::move(f));
    }
  }
  *fresh = static_cast<int64_t>(out.files.size());
  const std::string prefix = out.root + "/";
  for (const auto& [path, e] : manifest.files) {
    if (!path.starts_with(prefix)) continue;
    std::string relative = path.substr(prefix.size());
    if (folders->count(parent_folder(relative))) continue;  // listed above
    ListedFile f;
    f.entry = FileEntry{path, e.size, e.mtime_micros, e.etag};
    f.relative = std::move(relative);
    out.files.push_back(std::move(f));
  }
  std::sort(out.files.begin(), out.files.end(),
            [](const ListedFile& a, const ListedFile& b) { return a.relative < b.relative; });
  return out;
}

bool is_local_uri(const std::string& path) {
  return path.find("://") == std::string::npos || path.starts_with("file:");
}

// One file to classify (or reused) and where its result goes.
struct Work {
  io::FileSystem* fs;
  size_t target;
  size_t file;  // index into the target's listing
};

// Classifies `work` on env.threads workers. Results land in `out` (parallel
// to work). Returns Cancelled when env.cancel fires.
// With `hashes`, also computes each result's manifest hash on the worker
// (the JSON and its digest cost a few microseconds a file).
Status classify_all(const std::vector<Work>& work, const std::vector<TargetListing>& listings,
                    PlanEnvironment& env, std::vector<Classification>& out,
                    std::vector<std::string>* hashes) {
  out.assign(work.size(), Classification());
  if (hashes) hashes->assign(work.size(), std::string());
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status failure;
  std::atomic<bool> stop{false};
  auto worker = [&]() {
    while (!stop.load()) {
      if (env.cancel.cancelled()) {
        stop = true;
        return;
      }
      size_t i = next.fetch_add(1);
      if (i >= work.size()) return;
      const Work& w = work[i];
      auto c = env.classifier.classify(*w.fs, listings[w.target].files[w.file].entry);
      if (!c.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (failure.ok()) failure = c.status();
        stop = true;
        return;
      }
      if (hashes && c->error.empty()) (*hashes)[i] = CrawlManifest::class_hash(CrawlManifest::class_text(*c));
      out[i] = std::move(*c);
    }
  };
  int threads = std::max(1, std::min<int>(env.threads, static_cast<int>(work.size())));
  if (work.empty()) threads = 0;
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  if (threads > 0) worker();
  for (auto& t : pool) t.join();
  if (env.cancel.cancelled()) return absl::CancelledError("crawl stopped while classifying files");
  return failure;
}

void log(PlanEnvironment& env, const std::string& level, const std::string& message) {
  if (env.log) env.log(level, message);
}

// One crawl log line per planned table: which classifier (path) made it.
void log_classified_by(PlanEnvironment& env, const PlannedTable& t) {
  if (t.classification.classification == "UNKNOWN") {
    log(env, "INFO",
        fmt::format("table {} at {}: UNKNOWN, no classifier recognised its files", t.name,
                    t.location));
  } else {
    log(env, "INFO",
        fmt::format("table {} at {}: {} classified by {}", t.name, t.location,
                    t.classification.classification, t.classified_by));
  }
}

// Wall-clock seconds since `since`, for the per-stage timings in the crawl log.
double seconds_since(std::chrono::steady_clock::time_point& since) {
  auto now = std::chrono::steady_clock::now();
  double s = std::chrono::duration<double>(now - since).count();
  since = now;
  return s;
}

struct Collected {
  std::string timings;  // "manifest 0.1 s, listing 0.2 s, ..."
  std::vector<GroupingTarget> grouping;
  std::vector<ManifestRecord> records;
  ManifestSnapshot manifest;
  bool keep_manifest = false;
};

// Lists, samples and classifies (or reuses) the files of `specs`: steps 1-4
// of a plan, shared by S3 targets and existing tables.
Status collect(const std::vector<TargetSpec>& specs, PlanEnvironment& env, PlanResult& result,
               Collected& out) {
  const CrawlerConfig& config = env.config;
  auto clock = std::chrono::steady_clock::now();
  std::vector<io::GlobMatcher> matchers;
  for (const auto& spec : specs) {
    MORTAR_ASSIGN_OR_RETURN(io::GlobMatcher m, io::GlobMatcher::compile(spec.exclusions));
    matchers.push_back(std::move(m));
  }

  const bool new_folders_only = env.recrawl_behavior == "CRAWL_NEW_FOLDERS_ONLY";
  const bool keep_manifest =
      env.store && (config.use_manifest || new_folders_only || env.event_mode);
  out.keep_manifest = keep_manifest;
  ManifestSnapshot& manifest = out.manifest;
  if (keep_manifest) {
    MORTAR_ASSIGN_OR_RETURN(manifest, CrawlManifest::load(*env.store, env.crawler_name));
    out.timings += fmt::format("manifest load {:.3f} s, ", seconds_since(clock));
  }

  // 1. List every target.
  std::vector<TargetListing> listings;
  std::vector<io::FileSystem*> file_systems;
  for (size_t i = 0; i < specs.size(); ++i) {
    if (env.cancel.cancelled()) return absl::CancelledError("crawl stopped while listing");
    MORTAR_ASSIGN_OR_RETURN(io::FileSystem * fs, resolve_fs(env, specs[i].path));
    bool local = is_local_uri(specs[i].path) && fs == &io::local_file_system();
    ListOptions options{&matchers[i], config.ignore_marker_files, &env.cancel};
    TargetListing listing;
    if (env.event_objects != nullptr) {
      int64_t fresh = 0;
      std::set<std::string> folders;
      MORTAR_ASSIGN_OR_RETURN(
          listing, list_changed_folders(specs[i], *fs, local, options, manifest, *env.event_objects,
                                        result.problems, &fresh, &folders));
      std::string names;
      for (const std::string& f : folders) {
        if (names.size() > 2000) {
          names += ", ...";
          break;
        }
        names += (names.empty() ? "" : ", ") + (f.empty() ? std::string(".") : f);
      }
      log(env, "INFO",
          fmt::format("listed {} changed folder(s) of {} ({}): {} data files ({} excluded, {} "
                      "ignored); {} other file(s) from the previous crawl's manifest",
                      folders.size(), listing.root, names, fresh, listing.excluded, listing.ignored,
                      static_cast<int64_t>(listing.files.size()) - fresh));
      result.files_listed += fresh;
    } else {
      MORTAR_ASSIGN_OR_RETURN(listing,
                              list_target(specs[i].path, *fs, local, options, result.problems));
      log(env, "INFO",
          fmt::format("listed {}: {} data files ({} excluded, {} ignored)", listing.root,
                      listing.files.size(), listing.excluded, listing.ignored));
      result.files_listed += static_cast<int64_t>(listing.files.size());
    }
    listings.push_back(std::move(listing));
    file_systems.push_back(fs);
  }

  out.timings += fmt::format("listing {:.3f} s, ", seconds_since(clock));

  // 2. Decide per file: skip (old folder), reuse, classify, or sample-skip.
  std::unordered_set<std::string> known_folders;
  if (new_folders_only && !manifest.empty()) {
    for (const auto& [path, e] : manifest.files) known_folders.insert(parent_folder(path));
  }
  enum class Fate : uint8_t { kOldFolder, kReuse, kClassify, kUnsampled };
  std::vector<std::vector<Fate>> fates(listings.size());
  std::vector<std::vector<const ManifestEntry*>> reused(listings.size());
  std::vector<Work> work;
  for (size_t t = 0; t < listings.size(); ++t) {
    const auto& files = listings[t].files;
    fates[t].resize(files.size());
    if (!manifest.empty()) reused[t].resize(files.size(), nullptr);
    std::string_view folder;
    int in_folder = 0;
    for (size_t f = 0; f < files.size(); ++f) {
      std::string_view rel = files[f].relative;
      std::string_view this_folder = rel.substr(0, std::min(rel.size(), rel.rfind('/')));
      if (f == 0 || this_folder != folder) {
        folder = this_folder;
        in_folder = 0;
      }
      ++in_folder;
      const ManifestEntry* known = manifest.empty() ? nullptr : manifest.unchanged(files[f].entry);
      if (!manifest.empty()) reused[t][f] = known;
      if (!known_folders.empty() && known_folders.count(parent_folder(files[f].entry.path))) {
        fates[t][f] = Fate::kOldFolder;
      } else if (specs[t].sample_size && in_folder > *specs[t].sample_size) {
        fates[t][f] = Fate::kUnsampled;
      } else if ((config.use_manifest || env.event_mode) && known && !known->class_hash.empty()) {
        fates[t][f] = Fate::kReuse;
      } else {
        fates[t][f] = Fate::kClassify;
        work.push_back({file_systems[t], t, f});
      }
    }
  }

  // 3. Classify in parallel.
  std::vector<Classification> classified;
  std::vector<std::string> hashes;
  MORTAR_RETURN_IF_ERROR(
      classify_all(work, listings, env, classified, keep_manifest ? &hashes : nullptr));
  result.files_classified = static_cast<int64_t>(work.size());
  out.timings += fmt::format("classification {:.3f} s, ", seconds_since(clock));

  // 4. Assemble classified files per target, and the new manifest.
  std::vector<GroupingTarget>& grouping = out.grouping;
  grouping.resize(listings.size());
  std::vector<ManifestRecord>& records = out.records;
  if (keep_manifest) records.reserve(static_cast<size_t>(result.files_listed));
  size_t next_work = 0;
  std::unordered_map<std::string, std::shared_ptr<const Classification>> interned =
      manifest.classes;
  for (size_t t = 0; t < listings.size(); ++t) {
    auto& files = listings[t].files;
    grouping[t].root = listings[t].root;
    // Classification of sampled files per folder, for the unsampled ones.
    std::vector<size_t> unsampled;
    grouping[t].files.reserve(files.size());
    for (size_t f = 0; f < files.size(); ++f) {
      ListedFile& lf = files[f];
      ManifestRecord rec;
      rec.file = lf.entry;
      ClassifiedFile cf;
      bool placed = false;
      switch (fates[t][f]) {
        case Fate::kOldFolder: {
          if (const ManifestEntry* e = reused[t][f]) {
            rec.class_hash = e->class_hash;
            rec.record_count = e->record_count;
            rec.average_record_size = e->average_record_size;
          }
          break;
        }
        case Fate::kUnsampled:
          unsampled.push_back(f);
          break;
        case Fate::kReuse: {
          const ManifestEntry* e = reused[t][f];
          cf.classification = manifest.classes.at(e->class_hash);
          cf.record_count = e->record_count;
          cf.average_record_size = e->average_record_size;
          rec.class_hash = e->class_hash;
          rec.classification = cf.classification;
          rec.record_count = e->record_count;
          rec.average_record_size = e->average_record_size;
          ++result.files_reused;
          placed = true;
          break;
        }
        case Fate::kClassify: {
          size_t w = next_work++;
          Classification& c = classified[w];
          if (!c.error.empty()) {
            result.problems.push_back({lf.entry.path, c.error});
            break;
          }
          cf.record_count = c.record_count;
          cf.average_record_size = c.average_record_size;
          if (keep_manifest) {
            // Files with equal classifications share one object (and one
            // manifest row), as reused ones do.
            rec.class_hash = hashes[w];
            auto [it, inserted] = interned.try_emplace(hashes[w]);
            if (inserted) it->second = std::make_shared<const Classification>(std::move(c));
            cf.classification = it->second;
          } else {
            cf.classification = std::make_shared<const Classification>(std::move(c));
          }
          rec.classification = cf.classification;
          rec.record_count = cf.record_count;
          rec.average_record_size = cf.average_record_size;
          placed = true;
          break;
        }
      }
      if (keep_manifest) records.push_back(std::move(rec));
      if (placed) {
        cf.entry = lf.entry;
        cf.relative = lf.relative;
        grouping[t].files.push_back(std::move(cf));
      }
    }
    // Unsampled files take their folder's first classified file's
    // classification, without record figures of their own.
    if (!unsampled.empty()) {
      std::unordered_map<std::string, std::shared_ptr<const Classification>> by_folder;
      for (const auto& cf : grouping[t].files) by_folder.emplace(parent_folder(cf.relative), cf.classification);
      for (size_t f : unsampled) {
        auto it = by_folder.find(parent_folder(files[f].relative));
        if (it == by_folder.end()) {
          result.problems.push_back({files[f].entry.path,
                                     "skipped: not in the SampleSize sample and no sampled file of "
                                     "its folder could be classified"});
          continue;
        }
        ClassifiedFile cf;
        cf.entry = files[f].entry;
        cf.relative = files[f].relative;
        cf.classification = it->second;
        grouping[t].files.push_back(std::move(cf));
      }
      std::sort(grouping[t].files.begin(), grouping[t].files.end(),
                [](const ClassifiedFile& a, const ClassifiedFile& b) { return a.relative < b.relative; });
    }
    listings[t].files.clear();
    listings[t].files.shrink_to_fit();
  }
  out.timings += fmt::format("assembly {:.3f} s, ", seconds_since(clock));

  return ok_status();
}

}  // namespace

Status CrawlPlanner::migrate(store::Store& store) { return CrawlManifest::migrate(store); }

Status CrawlPlanner::drop_manifest(store::Store& store, const std::string& crawler_name) {
  return CrawlManifest::drop(store, crawler_name);
}

StatusOr<PlanResult> CrawlPlanner::plan_s3_targets(const std::vector<Json>& s3_targets,
                                                   PlanEnvironment& env) {
  const auto started = std::chrono::steady_clock::now();
  const CrawlerConfig& config = env.config;
  PlanResult result;
  std::vector<TargetSpec> specs;
  for (size_t i = 0; i < s3_targets.size(); ++i) {
    MORTAR_ASSIGN_OR_RETURN(TargetSpec spec, parse_target(s3_targets[i], i));
    specs.push_back(std::move(spec));
  }
  Collected collected;
  MORTAR_RETURN_IF_ERROR(collect(specs, env, result, collected));

  // 5. Group into tables and partitions.
  auto clock = std::chrono::steady_clock::now();
  GroupingOptions options{&config, env.table_prefix};
  result.tables = group_files(collected.grouping, options, result.problems);
  collected.timings += fmt::format("grouping {:.3f} s", seconds_since(clock));

  // 6. Persist the manifest (not in DryRun: it writes nothing). Written
  // before the catalog is updated: if applying fails, the next crawl only
  // reclassifies less than it could have, never wrongly.
  if (collected.keep_manifest && !config.dry_run) {
    MORTAR_RETURN_IF_ERROR(CrawlManifest::save(*env.store, env.crawler_name, collected.manifest,
                                               collected.records));
    collected.timings += fmt::format(", manifest save {:.3f} s", seconds_since(clock));
  }
  for (const auto& t : result.tables) log_classified_by(env, t);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  log(env, "INFO", fmt::format("planned {} table(s) from {} files in {:.3f} s ({}): {} classified, "
                               "{} reused from the manifest, {} problem(s)",
                               result.tables.size(), result.files_listed, seconds, collected.timings,
                               result.files_classified, result.files_reused, result.problems.size()));
  return result;
}

StatusOr<PlanResult> CrawlPlanner::plan_existing_table(const Json& table, PlanEnvironment& env) {
  if (!table.is_object()) return invalid_input("catalog target table is not an object");
  const std::string name = table.value("Name", "");
  const Json sd = table.value("StorageDescriptor", Json::object());
  const std::string location = sd.is_object() ? sd.value("Location", "") : "";
  if (location.empty())
    return invalid_input(fmt::format("table {} has no StorageDescriptor.Location to crawl", name));
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto& k : table.value("PartitionKeys", Json::array())) {
    if (!k.is_object() || !k.contains("Name")) continue;
    keys.emplace_back(k.value("Name", ""), k.value("Type", "string"));
  }
  std::string format;
  if (auto params = table.find("Parameters"); params != table.end() && params->is_object())
    format = params->value("classification", "");

  PlanResult result;
  Collected collected;
  MORTAR_RETURN_IF_ERROR(collect({TargetSpec{location, {}, {}}}, env, result, collected));

  // Every file must lie as many folders deep as the table has partition
  // keys; a Hive folder must name its key.
  const size_t depth = keys.size();
  PlannedTable t;
  t.name = name;
  t.location = location.ends_with("/") ? location : location + "/";
  t.partition_keys = keys;
  std::map<std::string, size_t> by_folder;
  bool first = true;
  std::vector<const ClassifiedFile*> kept;
  for (const ClassifiedFile& f : collected.grouping[0].files) {
    const Classification& c = *f.classification;
    if (!format.empty() && c.classification != format) {
      result.problems.push_back({f.entry.path, fmt::format("skipped: classified as {}, the table is {}",
                                                           c.classification, format)});
      continue;
    }
    std::vector<std::string> values;
    size_t start = 0;
    std::string_view rel = f.relative;
    for (size_t slash = rel.find('/'); slash != std::string_view::npos; slash = rel.find('/', start)) {
      values.emplace_back(rel.substr(start, slash - start));
      start = slash + 1;
    }
    if (values.size() != depth) {
      result.problems.push_back({f.entry.path, fmt::format("skipped: {} folder level(s) below the "
                                                           "table location, the table has {} "
                                                           "partition key(s)",
                                                           values.size(), depth)});
      continue;
    }
    bool keys_match = true;
    for (size_t i = 0; i < depth; ++i) {
      auto eq = values[i].find('=');
      if (eq == std::string::npos) continue;
      if (values[i].compare(0, eq, keys[i].first) != 0) {
        keys_match = eq == 0;
        if (!keys_match) break;
      }
      values[i] = values[i].substr(eq + 1);
    }
    if (!keys_match) {
      result.problems.push_back({f.entry.path, "skipped: folder partition keys do not match the "
                                               "table's partition keys"});
      continue;
    }
    kept.push_back(&f);
    Classification fc = c;
    fc.record_count = f.record_count;
    fc.average_record_size = f.average_record_size;
    if (first) {
      t.classification = fc;
      first = false;
    } else {
      merge_classification(t.classification, fc);
    }
    t.object_count += 1;
    t.size_bytes += f.entry.size;
    if (depth == 0) continue;
    std::string folder = std::string(rel.substr(0, rel.rfind('/')));
    auto [it, inserted] = by_folder.try_emplace(folder, t.partitions.size());
    if (inserted) {
      PlannedPartition p;
      p.values = values;
      p.location = t.location + folder + "/";
      p.classification = fc;
      t.partitions.push_back(std::move(p));
    } else {
      merge_classification(t.partitions[it->second].classification, fc);
    }
    t.partitions[it->second].object_count += 1;
    t.partitions[it->second].size_bytes += f.entry.size;
  }
  t.reasons.push_back(fmt::format("catalog target: table {} re-crawled at its location {}, keeping "
                                  "its name, partition keys and format; {} file(s) in {} partition(s)",
                                  name, t.location, t.object_count, t.partitions.size()));
  t.classified_by = classified_by(kept);
  if (t.object_count > 0) {
    log_classified_by(env, t);
    result.tables.push_back(std::move(t));
  }
  if (collected.keep_manifest && !env.config.dry_run) {
    MORTAR_RETURN_IF_ERROR(CrawlManifest::save(*env.store, env.crawler_name, collected.manifest,
                                               collected.records, {location}));
  }
  return result;
}

}  // namespace mortar::crawler
