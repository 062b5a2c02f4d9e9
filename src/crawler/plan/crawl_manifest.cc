#include "crawler/plan/crawl_manifest.h"

#include <unordered_set>

#include <fmt/format.h>

#include "common/crypto.h"

namespace mortar::crawler {

namespace {

// Rows per multi-row statement: 7 values each stays far below SQLite's and
// PostgreSQL's parameter limits.
constexpr size_t kRowsPerInsert = 400;
constexpr size_t kPathsPerDelete = 500;

std::string placeholders(size_t rows, size_t columns) {
  std::string one = "(";
  for (size_t c = 0; c < columns; ++c) one += c ? ",?" : "?";
  one += ")";
  std::string out;
  out.reserve(rows * (one.size() + 1));
  for (size_t r = 0; r < rows; ++r) {
    if (r) out += ',';
    out += one;
  }
  return out;
}

}  // namespace

const ManifestEntry* ManifestSnapshot::unchanged(const FileEntry& file) const {
  auto it = files.find(file.path);
  if (it == files.end()) return nullptr;
  const ManifestEntry& e = it->second;
  if (e.size != file.size || e.mtime_micros != file.mtime_micros || e.etag != file.etag) return nullptr;
  return &e;
}

Status CrawlManifest::migrate(store::Store& store) {
  // The files table is {{CLUSTERED}} (WITHOUT ROWID on SQLite): one B-tree
  // keyed by (crawler, path) instead of a table plus an index, half the work
  // per row.
  return store.migrate(
      "crawl_manifest",
      {{1, "listing manifest of crawlers",
        "CREATE TABLE crawl_manifest_files ("
        "  crawler TEXT NOT NULL, path TEXT NOT NULL, size BIGINT NOT NULL, mtime BIGINT NOT NULL,"
        "  etag TEXT NOT NULL, class_hash TEXT, record_count BIGINT NOT NULL,"
        "  avg_record_size BIGINT NOT NULL, PRIMARY KEY (crawler, path)){{CLUSTERED}};"
        "CREATE TABLE crawl_manifest_classes ("
        "  crawler TEXT NOT NULL, hash TEXT NOT NULL, json TEXT NOT NULL,"
        "  PRIMARY KEY (crawler, hash))"}});
}

std::string CrawlManifest::class_text(const Classification& c) {
  Json j = classification_to_json(c);
  j.erase("recordCount");
  j.erase("averageRecordSize");
  j.erase("reason");
  return j.dump();
}

std::string CrawlManifest::class_hash(const std::string& text) {
  return sha256_hex(text).substr(0, 24);
}

StatusOr<ManifestSnapshot> CrawlManifest::load(store::Store& store, const std::string& crawler) {
  ManifestSnapshot snap;
  Status s = store::run_in_read_transaction(store, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto classes,
                            tx.query("SELECT hash, json FROM crawl_manifest_classes WHERE crawler = ?",
                                     {crawler}));
    for (const auto& row : classes) {
      Json j = Json::parse(row.text_at(1), nullptr, /*allow_exceptions=*/false);
      auto c = classification_from_json(j);
      if (!c.ok()) continue;  // an unreadable entry only costs a reclassification
      c->reason = "classification reused from the listing manifest (file unchanged)";
      snap.classes.emplace(row.text_at(0), std::make_shared<const Classification>(std::move(*c)));
    }
    MORTAR_ASSIGN_OR_RETURN(auto rows,
                            tx.query("SELECT path, size, mtime, etag, class_hash, record_count, "
                                     "avg_record_size FROM crawl_manifest_files WHERE crawler = ?",
                                     {crawler}));
    snap.files.reserve(rows.size());
    for (auto& row : rows) {
      ManifestEntry e;
      e.size = row.int_at(1);
      e.mtime_micros = row.int_at(2);
      e.etag = row.text_at(3);
      e.class_hash = row.text_at(4);
      if (!e.class_hash.empty() && !snap.classes.count(e.class_hash)) e.class_hash.clear();
      e.record_count = row.int_at(5);
      e.average_record_size = row.int_at(6);
      snap.files.emplace(std::move(std::get<std::string>(row.values[0])), std::move(e));
    }
    return ok_status();
  });
  MORTAR_RETURN_IF_ERROR(s);
  return snap;
}

Status CrawlManifest::save(store::Store& store, const std::string& crawler,
                           const ManifestSnapshot& previous,
                           const std::vector<ManifestRecord>& records,
                           const std::vector<std::string>& scopes) {
  // Work out the rows that change before opening the write transaction.
  struct Upsert {
    const ManifestRecord* record;
    std::string hash;
  };
  std::vector<Upsert> upserts;
  std::unordered_map<std::string, std::string> new_classes;  // hash -> json
  size_t matched = 0;  // records whose path the previous manifest holds
  std::unordered_map<const Classification*, std::string> hash_of;  // shared objects hash once
  for (const auto& r : records) {
    std::string hash = r.class_hash;
    if (r.classification && (hash.empty() || !previous.classes.count(hash))) {
      auto [it, inserted] = hash_of.try_emplace(r.classification.get());
      if (inserted) {
        std::string text = class_text(*r.classification);
        it->second = hash.empty() ? class_hash(text) : hash;
        if (!previous.classes.count(it->second)) new_classes.emplace(it->second, std::move(text));
      }
      hash = it->second;
    }
    auto it = previous.files.find(r.file.path);
    if (it != previous.files.end()) {
      ++matched;
      const ManifestEntry& e = it->second;
      if (e.size == r.file.size && e.mtime_micros == r.file.mtime_micros && e.etag == r.file.etag &&
          e.class_hash == hash && e.record_count == r.record_count &&
          e.average_record_size == r.average_record_size)
        continue;
    }
    upserts.push_back({&r, std::move(hash)});
  }
  std::vector<const std::string*> deletes;
  auto in_scope = [&](const std::string& path) {
    if (scopes.empty()) return true;
    for (const auto& s : scopes) {
      std::string_view dir = s;
      while (dir.ends_with("/")) dir.remove_suffix(1);
      if (path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/') return true;
    }
    return false;
  };
  // Paths are unique, so when every previous file was matched none vanished.
  if (matched < previous.files.size()) {
    std::unordered_set<std::string_view> seen;
    seen.reserve(records.size());
    for (const auto& r : records) seen.insert(r.file.path);
    for (const auto& [path, e] : previous.files)
      if (!seen.count(path) && in_scope(path)) deletes.push_back(&path);
  }
  if (upserts.empty() && deletes.empty() && new_classes.empty()) return ok_status();

  return store::run_in_write_transaction(store, [&](store::Transaction& tx) -> Status {
    for (const auto& [hash, json] : new_classes) {
      MORTAR_RETURN_IF_ERROR(tx.exec("INSERT INTO crawl_manifest_classes (crawler, hash, json) "
                                     "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                                     {crawler, hash, json})
                                 .status());
    }
    for (size_t i = 0; i < deletes.size(); i += kPathsPerDelete) {
      size_t n = std::min(kPathsPerDelete, deletes.size() - i);
      std::string sql = "DELETE FROM crawl_manifest_files WHERE crawler = ? AND path IN (";
      std::vector<store::Value> params = {crawler};
      for (size_t k = 0; k < n; ++k) {
        sql += k ? ",?" : "?";
        params.emplace_back(*deletes[i + k]);
      }
      sql += ")";
      MORTAR_RETURN_IF_ERROR(tx.exec(sql, params).status());
    }
    std::vector<store::Value> params;
    for (size_t i = 0; i < upserts.size(); i += kRowsPerInsert) {
      size_t n = std::min(kRowsPerInsert, upserts.size() - i);
      params.clear();
      params.reserve(n * 8);
      for (size_t k = 0; k < n; ++k) {
        const Upsert& u = upserts[i + k];
        params.emplace_back(crawler);
        params.emplace_back(u.record->file.path);
        params.emplace_back(u.record->file.size);
        params.emplace_back(u.record->file.mtime_micros);
        params.emplace_back(u.record->file.etag);
        if (u.hash.empty()) {
          params.emplace_back(std::monostate{});
        } else {
          params.emplace_back(u.hash);
        }
        params.emplace_back(u.record->record_count);
        params.emplace_back(u.record->average_record_size);
      }
      std::string sql = fmt::format(
          "INSERT INTO crawl_manifest_files (crawler, path, size, mtime, etag, class_hash, "
          "record_count, avg_record_size) VALUES {} ON CONFLICT (crawler, path) DO UPDATE SET "
          "size = excluded.size, mtime = excluded.mtime, etag = excluded.etag, "
          "class_hash = excluded.class_hash, record_count = excluded.record_count, "
          "avg_record_size = excluded.avg_record_size",
          placeholders(n, 8));
      MORTAR_RETURN_IF_ERROR(tx.exec(sql, params).status());
    }
    if (!deletes.empty() || !upserts.empty()) {
      // Forget classifications no file refers to any more.
      MORTAR_RETURN_IF_ERROR(
          tx.exec("DELETE FROM crawl_manifest_classes WHERE crawler = ? AND hash NOT IN "
                  "(SELECT class_hash FROM crawl_manifest_files WHERE crawler = ? AND class_hash "
                  "IS NOT NULL)",
                  {crawler, crawler})
              .status());
    }
    return ok_status();
  });
}

Status CrawlManifest::drop(store::Store& store, const std::string& crawler) {
  return store::run_in_write_transaction(store, [&](store::Transaction& tx) -> Status {
    MORTAR_RETURN_IF_ERROR(
        tx.exec("DELETE FROM crawl_manifest_files WHERE crawler = ?", {crawler}).status());
    return tx.exec("DELETE FROM crawl_manifest_classes WHERE crawler = ?", {crawler}).status();
  });
}

}  // namespace mortar::crawler
