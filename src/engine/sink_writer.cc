#include "engine/sink_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "engine/cast.h"
#include "engine/column_ops.h"
#include "engine/conform.h"
#include "engine/exec_context.h"
#include "engine/schema_merge.h"
#include "engine/transforms.h"
#include "formats/hive_path.h"
#include "formats/json/json_text.h"

namespace mortar::engine {

using types::Column;
using types::RecordBatch;
using types::TypeKind;
using types::TypePtr;

namespace {

bool same_type(const TypePtr& a, const TypePtr& b) { return a == b || a->equals(*b); }

// The raw bytes of a scalar row, as a grouping key (nullopt-free: callers
// check nulls first).
std::string_view row_bytes(const Column& c, int64_t row) {
  if (c.value_width() > 0)
    return {c.values_buffer().data() + row * c.value_width(), static_cast<size_t>(c.value_width())};
  return c.string_at(row);
}

// Equality of short byte strings without a call to memcmp: partition values
// are short, and value_ids compares them for every row.
inline bool same_bytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.size() > 16) return a == b;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// Ids (1..) of a key column's distinct values per row, 0 for null; returns
// the number of ids including 0. Partition keys have few values: a linear
// scan over them (last hit first) beats hashing; a hash map takes over when
// there are many.
uint32_t value_ids(const Column& col, std::vector<uint32_t>& ids) {
  constexpr size_t kScanLimit = 16;
  const int64_t n = col.length();
  std::vector<std::string_view> distinct;
  // Values of up to 8 bytes (most partition values) also as one integer
  // (bytes, zero-padded) and their size, so the scan compares integers.
  std::vector<uint64_t> words;
  std::vector<size_t> sizes;
  const std::vector<char>& buffer = col.value_width() > 0 ? col.values_buffer() : col.data();
  const char* const buffer_end = buffer.data() + buffer.size();
  auto word_of = [&](std::string_view v) {
    uint64_t w = 0;
    if (v.empty() || v.size() > 8) return w;
    if (v.data() + 8 <= buffer_end) {
      std::memcpy(&w, v.data(), 8);
      if (v.size() < 8) w &= (uint64_t{1} << (8 * v.size())) - 1;
    } else {
      for (size_t i = 0; i < v.size(); ++i) w |= uint64_t{static_cast<uint8_t>(v[i])} << (8 * i);
    }
    return w;
  };
  auto same = [&](size_t k, std::string_view v, uint64_t w) {
    if (sizes[k] != v.size()) return false;
    return v.size() <= 8 ? words[k] == w : same_bytes(distinct[k], v);
  };
  std::unordered_map<std::string_view, uint32_t> dict;
  uint32_t last = 0;
  for (int64_t r = 0; r < n; ++r) {
    if (col.is_null(r)) {
      ids[r] = 0;
      continue;
    }
    std::string_view v = row_bytes(col, r);
    const uint64_t w = word_of(v);
    if (last && same(last - 1, v, w)) {
      ids[r] = last;
      continue;
    }
    uint32_t id = 0;
    if (distinct.size() <= kScanLimit) {
      for (size_t k = 0; k < distinct.size() && !id; ++k)
        if (same(k, v, w)) id = static_cast<uint32_t>(k + 1);
    } else {
      auto it = dict.find(v);
      if (it != dict.end()) id = it->second;
    }
    if (!id) {
      distinct.push_back(v);
      words.push_back(w);
      sizes.push_back(v.size());
      id = static_cast<uint32_t>(distinct.size());
      if (distinct.size() > kScanLimit) {
        if (dict.empty())
          for (size_t k = 0; k < distinct.size(); ++k)
            dict.emplace(distinct[k], static_cast<uint32_t>(k + 1));
        dict.emplace(v, id);
      }
    }
    ids[r] = last = id;
  }
  return static_cast<uint32_t>(distinct.size() + 1);
}

// Dense group ids (0..groups) of the rows' partition values, in order of
// first appearance; no per-row allocation.
uint32_t group_rows(const RecordBatch& batch, const std::vector<int>& key_columns,
                    std::vector<uint32_t>& group) {
  const int64_t n = batch.num_rows();
  group.assign(static_cast<size_t>(n), 0);
  uint32_t groups = 1;
  std::vector<uint32_t> ids(static_cast<size_t>(n));
  for (int c : key_columns) {
    const uint64_t card = value_ids(batch.column(c), ids);
    if (uint64_t{groups} * card <= (1u << 16)) {  // a direct table of (group, id) pairs
      std::vector<int32_t> table(groups * card, -1);
      uint32_t next = 0;
      for (int64_t r = 0; r < n; ++r) {
        int32_t& slot = table[group[r] * card + ids[r]];
        if (slot < 0) slot = static_cast<int32_t>(next++);
        group[r] = static_cast<uint32_t>(slot);
      }
      groups = next;
      continue;
    }
    std::unordered_map<uint64_t, uint32_t> combined;
    for (int64_t r = 0; r < n; ++r) {
      uint64_t key = (static_cast<uint64_t>(group[r]) << 32) | ids[r];
      group[r] = combined.try_emplace(key, static_cast<uint32_t>(combined.size())).first->second;
    }
    groups = static_cast<uint32_t>(combined.size());
  }
  return groups;
}

}  // namespace

int64_t sink_buffer_budget() {
  return std::clamp<int64_t>(engine_memory_limit() / 16, int64_t{16} << 20, int64_t{256} << 20);
}

SinkWriter::SinkWriter(SinkWriterConfig config) : config_(std::move(config)) {
  config_.num_files = std::max(1, config_.num_files);
  if (config_.buffer_budget <= 0) config_.buffer_budget = sink_buffer_budget();
}

SinkWriter::~SinkWriter() = default;

Status SinkWriter::close_open() {
  for (auto& [slot, w] : open_) MORTAR_RETURN_IF_ERROR(w.writer->close());
  open_.clear();
  buffered_ = 0;
  return ok_status();
}

Status SinkWriter::start_generation(const TypePtr& schema) {
  MORTAR_RETURN_IF_ERROR(close_open());
  Generation g;
  g.schema = schema;
  std::vector<bool> is_key(schema->fields().size(), false);
  for (const std::string& key : config_.partition_keys) {
    int i = schema->field_index(key);
    if (i < 0)
      return invalid_input("partition key '" + key + "' is not a field of " + schema->to_string());
    if (schema->fields()[i].type->is_nested())
      return invalid_input("partition key '" + key + "' is " +
                           schema->fields()[i].type->to_string() +
                           ": partition keys must be scalar");
    g.key_columns.push_back(i);
    is_key[i] = true;
  }
  std::vector<types::Field> fields;
  for (size_t i = 0; i < is_key.size(); ++i) {
    if (is_key[i]) continue;
    g.data_columns.push_back(static_cast<int>(i));
    fields.push_back(schema->fields()[i]);
  }
  g.data_schema = types::DataType::structure(std::move(fields));
  MORTAR_ASSIGN_OR_RETURN(g.file_schema, file_schema(g.data_schema));
  const std::string& name = config_.format->name();
  // (What choices_as_structs leaves is a choice inside a map.)
  if (name != "json" && name != "csv" && has_choice(*g.file_schema))
    return unresolved_choice_error(name, g.file_schema, "");
  gen_ = std::move(g);
  ++generation_;
  return ok_status();
}

std::string SinkWriter::folder_text(const RecordBatch& batch, int64_t row) const {
  std::string dir;
  for (int c : gen_.key_columns) {
    const Column& col = batch.column(c);
    std::string value;
    if (!col.is_null(row)) formats::json::append_text_value(value, col, row);
    value = value.empty() ? "__HIVE_DEFAULT_PARTITION__" : formats::hive_escape(value);
    dir += gen_.schema->fields()[c].name + "=" + value + "/";
  }
  return dir;
}

Status SinkWriter::write(std::unique_ptr<RecordBatch> batch) {
  if (generation_ < 0 || !same_type(batch->schema(), gen_.schema)) {
    MORTAR_RETURN_IF_ERROR(start_generation(batch->schema()));
  }
  const int64_t n = batch->num_rows();
  if (n == 0) return ok_status();
  if (gen_.file_schema != gen_.data_schema) {  // same columns, choices made structs
    MORTAR_ASSIGN_OR_RETURN(batch, choices_to_structs(std::move(batch)));
  }
  if (gen_.key_columns.empty()) return write_rows(*batch, "", nullptr, n);
  std::vector<uint32_t> group;
  uint32_t groups = group_rows(*batch, gen_.key_columns, group);
  if (groups == 1) return write_rows(*batch, folder_text(*batch, 0), nullptr, n);
  // Rows ordered by group (stable), then one gather per group.
  std::vector<int64_t> start(groups + 1, 0), first(groups, -1);
  for (int64_t r = 0; r < n; ++r) {
    ++start[group[r] + 1];
    if (first[group[r]] < 0) first[group[r]] = r;
  }
  for (uint32_t g = 0; g < groups; ++g) start[g + 1] += start[g];
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::vector<int64_t> fill(start.begin(), start.end() - 1);
  for (int64_t r = 0; r < n; ++r) order[fill[group[r]]++] = r;
  for (uint32_t g = 0; g < groups; ++g) {
    MORTAR_RETURN_IF_ERROR(write_rows(*batch, folder_text(*batch, first[g]),
                                      order.data() + start[g], start[g + 1] - start[g]));
  }
  return ok_status();
}

Status SinkWriter::write_rows(RecordBatch& batch, const std::string& dir, const int64_t* rows,
                              int64_t n) {
  // Rows spread over the folder's files in equal slices, as a round-robin
  // repartition would.
  const int64_t chunks = std::min<int64_t>(config_.num_files, n);
  for (int64_t k = 0; k < chunks; ++k) {
    int64_t from = n * k / chunks, to = n * (k + 1) / chunks;
    MORTAR_ASSIGN_OR_RETURN(OpenWriter * w, next_writer(dir));
    if (rows && w->writer->can_write_rows()) {
      // The writer gathers the rows itself: no intermediate columns.
      std::vector<const Column*> cols;
      for (int c : gen_.data_columns) cols.push_back(&batch.column(c));
      MORTAR_RETURN_IF_ERROR(w->writer->write_rows(cols, rows + from, to - from));
    } else {
      std::vector<std::unique_ptr<Column>> cols;
      for (int c : gen_.data_columns) {
        if (!rows && chunks == 1) {
          cols.push_back(std::move(batch.columns()[c]));  // the whole batch: no copy
        } else if (!rows) {
          cols.push_back(batch.column(c).slice(from, to - from));
        } else {
          cols.push_back(take_rows(batch.column(c), rows + from, to - from));
        }
      }
      MORTAR_RETURN_IF_ERROR(
          w->writer->write(RecordBatch(gen_.file_schema, std::move(cols), to - from)));
    }
    MORTAR_RETURN_IF_ERROR(wrote(*w, to - from));
  }
  return ok_status();
}

StatusOr<SinkWriter::OpenWriter*> SinkWriter::next_writer(const std::string& dir) {
  int& next = next_slot_[dir];
  const int slot_number = next;
  next = (next + 1) % config_.num_files;
  std::string slot = dir + "#" + std::to_string(slot_number);
  auto it = open_.find(slot);
  if (it == open_.end()) {
    std::string gen = generation_ > 0 ? fmt::format("-g{}", generation_) : "";
    std::string rel =
        dir + fmt::format("part-{:05d}-{}{}{}", slot_number, config_.run, gen, config_.suffix);
    MORTAR_ASSIGN_OR_RETURN(
        auto w, config_.format->open_writer(*config_.fs, io::join_path(config_.root, rel),
                                            gen_.file_schema, config_.options));
    it = open_.emplace(slot, OpenWriter{std::move(w), 0}).first;
    entries_.push_back({rel, slot, gen_.data_schema});
  }
  return &it->second;
}

Status SinkWriter::wrote(OpenWriter& w, int64_t rows) {
  rows_ += rows;
  const int64_t now = w.writer->buffered_bytes();
  buffered_ += now - w.buffered;
  w.buffered = now;
  peak_buffered_ = std::max(peak_buffered_, buffered_);
  return buffered_ > config_.buffer_budget ? enforce_budget() : ok_status();
}

Status SinkWriter::enforce_budget() {
  while (buffered_ > config_.buffer_budget) {
    OpenWriter* most = nullptr;
    for (auto& [slot, w] : open_)
      if (!most || w.buffered > most->buffered) most = &w;
    if (!most || most->buffered == 0) break;
    MORTAR_RETURN_IF_ERROR(most->writer->flush());
    ++budget_flushes_;
    const int64_t now = most->writer->buffered_bytes();
    const bool freed = now < most->buffered;
    buffered_ += now - most->buffered;
    most->buffered = now;
    if (!freed) break;  // a writer that cannot release its memory: nothing more to do
  }
  return ok_status();
}

Status SinkWriter::finish(const TypePtr& final_schema) {
  MORTAR_RETURN_IF_ERROR(close_open());
  if (entries_.empty()) return ok_status();
  std::vector<types::Field> fields;
  for (const auto& f : final_schema->fields()) {
    bool key = false;
    for (const auto& k : config_.partition_keys) key = key || k == f.name;
    if (!key) fields.push_back(f);
  }
  for (const auto& k : config_.partition_keys) {
    if (final_schema->field_index(k) < 0)
      return invalid_input("partition key '" + k + "' is not a field of " +
                           final_schema->to_string());
  }
  TypePtr data_schema = types::DataType::structure(std::move(fields));
  std::map<std::string, std::vector<size_t>> slots;
  for (size_t i = 0; i < entries_.size(); ++i) slots[entries_[i].slot].push_back(i);
  for (const auto& [slot, list] : slots) {
    if (list.size() == 1 && same_type(entries_[list[0]].data_schema, data_schema)) continue;
    MORTAR_RETURN_IF_ERROR(merge_slot(list, data_schema));
  }
  return ok_status();
}

Status SinkWriter::merge_slot(const std::vector<size_t>& list, const TypePtr& data_schema) {
  io::FileSystem& fs = *config_.fs;
  const std::string target = entries_[list[0]].rel;
  const std::string merged = io::join_path(config_.root, target + ".merging");
  MORTAR_ASSIGN_OR_RETURN(TypePtr written_schema, file_schema(data_schema));
  MORTAR_ASSIGN_OR_RETURN(auto out,
                          config_.format->open_writer(fs, merged, written_schema, config_.options));
  for (size_t i : list) {
    const std::string path = io::join_path(config_.root, entries_[i].rel);
    auto reader = config_.format->open_reader(fs, path, formats::ReadOptions{});
    if (!reader.ok()) return annotate(reader.status(), "re-reading " + path);
    for (;;) {
      MORTAR_ASSIGN_OR_RETURN(auto batch, (*reader)->next());
      if (!batch) break;
      MORTAR_ASSIGN_OR_RETURN(batch, refit(std::move(batch), entries_[i].data_schema, data_schema));
      MORTAR_RETURN_IF_ERROR(out->write(*batch));
    }
  }
  MORTAR_RETURN_IF_ERROR(out->close());
  for (size_t i : list) {
    MORTAR_RETURN_IF_ERROR(fs.remove(io::join_path(config_.root, entries_[i].rel)));
    entries_[i].rel.clear();
  }
  MORTAR_RETURN_IF_ERROR(fs.rename(merged, io::join_path(config_.root, target)));
  entries_[list[0]].rel = target;
  entries_[list[0]].data_schema = data_schema;
  rewritten_ += static_cast<int64_t>(list.size());
  return ok_status();
}

StatusOr<TypePtr> SinkWriter::file_schema(const TypePtr& data_schema) const {
  if (!config_.choices_as_structs || !has_choice(*data_schema)) return data_schema;
  MORTAR_ASSIGN_OR_RETURN(auto empty, choices_to_structs(RecordBatch::make_empty(data_schema)));
  return empty->schema();
}

StatusOr<std::unique_ptr<RecordBatch>> SinkWriter::refit(std::unique_ptr<RecordBatch> batch,
                                                         const TypePtr& written,
                                                         const TypePtr& data_schema) const {
  if (!config_.choices_as_structs) return fit_batch(std::move(batch), data_schema);
  // Column by column: one written without a choice is fitted to the final
  // type (its values move into their choice alternative) and then made a
  // struct; one written as a struct already is fitted to the final struct
  // (a struct of more alternatives).
  const int64_t n = batch->num_rows();
  MORTAR_ASSIGN_OR_RETURN(TypePtr target, file_schema(data_schema));
  std::vector<std::unique_ptr<Column>> cols;
  for (size_t f = 0; f < data_schema->fields().size(); ++f) {
    const types::Field& field = data_schema->fields()[f];
    int i = batch->schema()->field_index(field.name);
    int w = written->field_index(field.name);
    if (i < 0 || w < 0) {
      cols.push_back(null_column(target->fields()[f].type, n));
      continue;
    }
    std::vector<std::unique_ptr<Column>> alone;
    alone.push_back(std::move(batch->columns()[i]));
    auto one = std::make_unique<RecordBatch>(
        types::DataType::structure({batch->schema()->fields()[i]}), std::move(alone), n);
    if (!has_choice(*written->fields()[w].type)) {
      MORTAR_ASSIGN_OR_RETURN(one, fit_batch(std::move(one), types::DataType::structure({field})));
      MORTAR_ASSIGN_OR_RETURN(one, choices_to_structs(std::move(one)));
    } else {
      MORTAR_ASSIGN_OR_RETURN(
          one, fit_batch(std::move(one), types::DataType::structure({target->fields()[f]})));
    }
    cols.push_back(std::move(one->columns()[0]));
  }
  return std::make_unique<RecordBatch>(target, std::move(cols), n);
}

std::vector<std::string> SinkWriter::files() const {
  std::vector<std::string> out;
  for (const auto& e : entries_)
    if (!e.rel.empty()) out.push_back(e.rel);
  return out;
}

AsyncSinkWriter::AsyncSinkWriter(SinkWriter& writer, size_t depth)
    : writer_(writer), depth_(std::max<size_t>(1, depth)) {
  thread_ = std::thread([this] { run(); });
}

AsyncSinkWriter::~AsyncSinkWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Status AsyncSinkWriter::push(std::unique_ptr<RecordBatch> batch) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !status_.ok() || queue_.size() < depth_; });
  if (!status_.ok()) return status_;
  queue_.push_back(std::move(batch));
  cv_.notify_all();
  return ok_status();
}

Status AsyncSinkWriter::drain() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !status_.ok() || (queue_.empty() && !busy_); });
  return status_;
}

void AsyncSinkWriter::run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    auto batch = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    Status s;
    try {  // an exception must not escape the thread
      s = writer_.write(std::move(batch));
    } catch (const std::exception& e) {
      s = internal_error(std::string("write: ") + e.what());
    }
    lock.lock();
    busy_ = false;
    if (!s.ok() && status_.ok()) status_ = s;
    cv_.notify_all();
    if (!status_.ok()) return;  // later batches are not written
  }
}

StatusOr<std::unique_ptr<RecordBatch>> fit_batch(std::unique_ptr<RecordBatch> batch,
                                                 const TypePtr& schema) {
  const int64_t n = batch->num_rows();
  std::vector<std::unique_ptr<Column>> cols;
  for (const auto& f : schema->fields()) {
    int i = batch->schema()->field_index(f.name);
    if (i < 0) {
      cols.push_back(null_column(f.type, n));
      continue;
    }
    std::unique_ptr<Column> col = std::move(batch->columns()[i]);
    if (!same_type(col->type(), f.type)) {
      if (same_type(merge_types(col->type(), f.type), f.type)) {
        MORTAR_ASSIGN_OR_RETURN(col, conform_column(std::move(col), f.type));
      } else {
        MORTAR_ASSIGN_OR_RETURN(col, cast_column(*col, f.type));
      }
    }
    cols.push_back(std::move(col));
  }
  return std::make_unique<RecordBatch>(schema, std::move(cols), n);
}

}  // namespace mortar::engine
