// ColumnWriter::build_dictionary: a column chunk's dictionary and indices,
// or false when PLAIN is the better encoding. The final distinct count is
// projected as the dictionary grows, so a chunk that will overflow
// dictionaryPageSize or not pay gives up early instead of after hashing
// up to the limit; small integer spans index a table by value.
#include <cmath>
#include <cstring>
#include <optional>
#include <utility>

#include "formats/parquet/column_writer.h"
#include "formats/parquet/encodings.h"

namespace mortar::formats::parquet {

namespace {

inline uint64_t mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

uint64_t hash_bytes(std::string_view v) {
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ v.size();
  size_t i = 0;
  for (; i + 8 <= v.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, v.data() + i, 8);
    h = mix(h ^ w) * 0x9e3779b97f4a7c15ULL;
  }
  uint64_t tail = 0;
  if (v.size() > i) std::memcpy(&tail, v.data() + i, v.size() - i);
  return mix(h ^ tail);
}

// Open-addressing map from values to dictionary ids (linear probing). A slot
// holds the id + 1 (0 = empty) and the hash's upper half, so a probe only
// reads the key of an entry whose hash matches; `eq(id)` compares the keys.
class DictIndex {
 public:
  template <typename Eq>
  // Returns the id of the entry equal to the probe, or -1 and the slot where
  // a new id goes.
  int64_t find(uint64_t hash, Eq&& eq, size_t* slot) const {
    const size_t mask = slots_.size() - 1;
    const uint64_t tag = hash >> 32;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      uint64_t s = slots_[i];
      if (s == 0) {
        *slot = i;
        return -1;
      }
      uint32_t id = static_cast<uint32_t>(s) - 1;
      if ((s >> 32) == tag && eq(id)) return id;
    }
  }
  void insert(size_t slot, uint64_t hash) {
    hashes_.push_back(hash);
    slots_[slot] = (hash >> 32) << 32 | hashes_.size();
    if (hashes_.size() * 2 > slots_.size()) grow();
  }

 private:
  void grow() {
    std::vector<uint64_t> next(slots_.size() * 2, 0);
    size_t mask = next.size() - 1;
    for (size_t id = 0; id < hashes_.size(); ++id) {
      size_t i = hashes_[id] & mask;
      while (next[i] != 0) i = (i + 1) & mask;
      next[i] = (hashes_[id] >> 32) << 32 | (id + 1);
    }
    slots_ = std::move(next);
  }
  std::vector<uint64_t> slots_ = std::vector<uint64_t>(1024, 0);
  std::vector<uint64_t> hashes_;
};

// The same for 4- and 8-byte values, which the slots hold themselves: a
// probe touches one cache line instead of a slot and then the key.
class FixedDictIndex {
 public:
  // The id of `key`, or -1 and the slot where a new id goes.
  int64_t find(uint64_t key, size_t* slot) const {
    const size_t mask = slots_.size() - 1;
    for (size_t i = mix(key) & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.id1 == 0) {
        *slot = i;
        return -1;
      }
      if (s.key == key) return s.id1 - 1;
    }
  }
  void insert(size_t slot, uint64_t key) {
    slots_[slot] = Slot{key, static_cast<uint32_t>(++size_)};
    if (size_ * 2 > slots_.size()) grow();
  }

 private:
  struct Slot {
    uint64_t key = 0;
    uint32_t id1 = 0;  // id + 1; 0 = empty
  };
  void grow() {
    std::vector<Slot> next(slots_.size() * 2);
    const size_t mask = next.size() - 1;
    for (const Slot& s : slots_) {
      if (s.id1 == 0) continue;
      size_t i = mix(s.key) & mask;
      while (next[i].id1 != 0) i = (i + 1) & mask;
      next[i] = s;
    }
    slots_ = std::move(next);
  }
  std::vector<Slot> slots_ = std::vector<Slot>(1024);
  size_t size_ = 0;
};

// The distinct values among `n` projected from `d` distinct among the first
// `s` (d <= s), `rate` being the share of new values among the latest ones.
// While new values come as often as ever (sorted data, unique values) the
// rate goes on; once they get rarer, as if the values were drawn uniformly
// from D: d = D (1 - e^(-s/D)), solved for D.
double project_distinct(double s, double d, double rate, double n) {
  const double avg = d / s;
  if (d >= s || rate >= 0.98 * avg) return d + rate * (n - s);
  double lo = 1e-9, hi = 64;  // x = s / D; (1 - e^-x) / x falls from 1 to 0
  for (int i = 0; i < 64; ++i) {
    const double mid = (lo + hi) / 2;
    ((1 - std::exp(-mid)) / mid > avg ? lo : hi) = mid;
  }
  const double values = s / lo;
  return std::max(d, values * (1 - std::exp(-n / values)));
}

// Tells early that a dictionary is going to pass its byte limit, or would
// not make the column smaller than PLAIN (mostly distinct values), so the
// values are not all hashed for a dictionary that is then thrown away.
// Until the dictionary holds a quarter of the limit nothing is decided (a
// column with fewer distinct values always gets its dictionary, even if they
// all come first). From there, at every doubling, the final dictionary is
// projected (project_distinct, with the rate of new values since the
// previous doubling); giving up takes a projection past the limit plus a
// margin, or a dictionary plus its indices not clearly smaller than the
// PLAIN values (mostly distinct values: the dictionary would only cost time;
// when compressed, bit-packed indices hardly shrink while PLAIN values
// often do, so the dictionary must save a quarter). After the column's
// previous row group fell back, decisions start at 1/32 of the limit.
class OverflowPredictor {
 public:
  OverflowPredictor(int64_t limit, int64_t values, int64_t plain_bytes, bool compressed, bool fell_back_before)
      : limit_(limit),
        values_(values),
        plain_bytes_(static_cast<double>(plain_bytes) * (compressed ? 0.75 : 1.0)),
        next_check_(std::max<int64_t>(1, limit / (fell_back_before ? 64 : 8))) {}

  // After a new entry: the dictionary holds `distinct` entries of `bytes`,
  // `seen` values were read. True = give up.
  bool overflows(int64_t bytes, int64_t distinct, int64_t seen) {
    if (bytes > limit_) return true;
    if (bytes < next_check_) return false;
    next_check_ = bytes * 2;
    const bool first = checked_seen_ == 0;  // only gives the next check its rate
    const double rate = static_cast<double>(distinct - checked_distinct_) / static_cast<double>(seen - checked_seen_);
    checked_distinct_ = distinct;
    checked_seen_ = seen;
    if (first) return false;
    const double final_distinct = project_distinct(static_cast<double>(seen), static_cast<double>(distinct), rate,
                                                   static_cast<double>(values_));
    const double projected = final_distinct * static_cast<double>(bytes) / static_cast<double>(distinct);
    const double index_bytes =
        static_cast<double>(values_) * bit_width_for(static_cast<uint64_t>(final_distinct)) / 8;
    return projected > static_cast<double>(limit_) * kMargin ||
           projected + index_bytes >= plain_bytes_;
  }

 private:
  static constexpr double kMargin = 1.25;
  const int64_t limit_, values_;
  const double plain_bytes_;  // what a dictionary must beat
  int64_t next_check_;
  int64_t checked_distinct_ = 0, checked_seen_ = 0;
};

// Dictionary ids of integers spanning a small range (quantities, dates,
// codes) from a table indexed by value: no hashing, no probing. `keys` gets
// the distinct values in order of appearance.
template <typename T>
bool direct_ids(const T* v, int64_t n, T lo, uint64_t span, OverflowPredictor& predictor, uint32_t* ids,
                std::vector<uint64_t>* keys) {
  std::vector<int32_t> table(span + 1, -1);
  for (int64_t i = 0; i < n; ++i) {
    int32_t& id = table[static_cast<uint64_t>(static_cast<int64_t>(v[i]) - static_cast<int64_t>(lo))];
    if (id < 0) {
      const int64_t next = static_cast<int64_t>(keys->size());
      if (predictor.overflows((next + 1) * static_cast<int64_t>(sizeof(T)), next + 1, i + 1)) return false;
      id = static_cast<int32_t>(next);
      uint64_t key = 0;
      std::memcpy(&key, &v[i], sizeof(T));
      keys->push_back(key);
    }
    ids[i] = static_cast<uint32_t>(id);
  }
  return true;
}

// The span of an integer column when small enough for direct_ids (at most
// 64 Ki values and fewer than the values themselves), else nullopt.
template <typename T>
std::optional<std::pair<T, uint64_t>> small_span(const T* v, int64_t n) {
  if (n == 0) return std::nullopt;
  T lo = v[0], hi = v[0];
  for (int64_t i = 1; i < n; ++i) lo = std::min(lo, v[i]), hi = std::max(hi, v[i]);
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  if (span >= (uint64_t{1} << 16) || span >= static_cast<uint64_t>(n)) return std::nullopt;
  return std::make_pair(lo, span);
}

}  // namespace

bool ColumnWriter::build_dictionary(std::vector<uint32_t>* indices, std::string* dict_plain,
                                    int64_t* dict_count) {
  const int64_t n = num_values();
  indices->resize(n);
  const int64_t plain_bytes = physical_width_ ? static_cast<int64_t>(fixed_.size())
                                            : static_cast<int64_t>(data_.size()) + 4 * n;
  OverflowPredictor predictor(options_.dictionary_page_size, n, plain_bytes,
                              options_.codec != CompressionCodec::kUncompressed, fell_back_);
  size_t slot;
  if (physical_width_ == 4 || physical_width_ == 8) {
    const int w = physical_width_;
    std::vector<uint64_t> keys;
    auto done = [&] {
      dict_plain->resize(keys.size() * w);
      for (size_t k = 0; k < keys.size(); ++k) std::memcpy(dict_plain->data() + k * w, &keys[k], w);
      *dict_count = static_cast<int64_t>(keys.size());
      return true;
    };
    if (leaf_.physical == PhysicalType::kInt32) {
      const int32_t* v = reinterpret_cast<const int32_t*>(fixed_.data());
      if (auto s = small_span(v, n)) {
        return direct_ids(v, n, s->first, s->second, predictor, indices->data(), &keys) && done();
      }
    } else if (leaf_.physical == PhysicalType::kInt64) {
      const int64_t* v = reinterpret_cast<const int64_t*>(fixed_.data());
      if (auto s = small_span(v, n)) {
        return direct_ids(v, n, s->first, s->second, predictor, indices->data(), &keys) && done();
      }
    }
    FixedDictIndex index;
    for (int64_t i = 0; i < n; ++i) {
      uint64_t key = 0;
      std::memcpy(&key, fixed_.data() + i * w, w);
      int64_t id = index.find(key, &slot);
      if (id < 0) {
        id = static_cast<int64_t>(keys.size());
        if (predictor.overflows((id + 1) * w, id + 1, i + 1)) return false;
        keys.push_back(key);
        index.insert(slot, key);
      }
      (*indices)[i] = static_cast<uint32_t>(id);
    }
    return done();
  }
  DictIndex index;
  std::vector<std::string_view> keys;
  int64_t bytes = 0;
  for (int64_t i = 0; i < n; ++i) {
    std::string_view v = physical_width_
                             ? std::string_view(fixed_.data() + i * physical_width_, physical_width_)
                             : std::string_view(data_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
    uint64_t h = hash_bytes(v);
    int64_t id = index.find(h, [&](size_t e) { return keys[e] == v; }, &slot);
    if (id < 0) {
      id = static_cast<int64_t>(keys.size());
      bytes += v.size() + (physical_width_ ? 0 : 4);
      if (predictor.overflows(bytes, id + 1, i + 1)) return false;
      keys.push_back(v);
      index.insert(slot, h);
    }
    (*indices)[i] = static_cast<uint32_t>(id);
  }
  dict_plain->reserve(bytes);
  for (std::string_view v : keys) {
    if (!physical_width_) put_u32(dict_plain, static_cast<uint32_t>(v.size()));
    dict_plain->append(v);
  }
  *dict_count = static_cast<int64_t>(keys.size());
  // BYTE_ARRAY statistics then compare only the distinct values.
  if (!physical_width_) dict_keys_ = std::move(keys);
  return true;
}

}  // namespace mortar::formats::parquet
