#include "engine/spill.h"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace mortar::engine {

using types::Column;
using types::RecordBatch;
using types::TypePtr;

namespace {

Status io_error(const std::string& what, const std::string& path) {
  return internal_error("spill file " + path + ": " + what + ": " + std::strerror(errno));
}

class Writer {
 public:
  Writer(std::FILE* f, const std::string& path) : f_(f), path_(path) {}
  Status raw(const void* p, size_t n) {
    if (n && std::fwrite(p, 1, n, f_) != n) return io_error("write", path_);
    bytes_ += static_cast<int64_t>(n);
    return ok_status();
  }
  Status i64(int64_t v) { return raw(&v, sizeof v); }
  template <typename T>
  Status vec(const std::vector<T>& v) {
    MORTAR_RETURN_IF_ERROR(i64(static_cast<int64_t>(v.size())));
    return raw(v.data(), v.size() * sizeof(T));
  }
  Status column(const Column& c) {
    MORTAR_RETURN_IF_ERROR(i64(c.length()));
    MORTAR_RETURN_IF_ERROR(vec(c.validity()));
    MORTAR_RETURN_IF_ERROR(vec(c.values_buffer()));
    MORTAR_RETURN_IF_ERROR(vec(c.offsets()));
    MORTAR_RETURN_IF_ERROR(vec(c.data()));
    MORTAR_RETURN_IF_ERROR(vec(c.type_ids()));
    MORTAR_RETURN_IF_ERROR(vec(c.child_index()));
    for (const auto& child : c.children()) MORTAR_RETURN_IF_ERROR(column(*child));
    return ok_status();
  }
  int64_t bytes() const { return bytes_; }

 private:
  std::FILE* f_;
  const std::string& path_;
  int64_t bytes_ = 0;
};

class Reader : public BatchStream {
 public:
  Reader(std::FILE* f, std::string path, TypePtr schema)
      : f_(f), path_(std::move(path)), schema_(std::move(schema)) {}
  StatusOr<std::unique_ptr<RecordBatch>> next() override {
    int64_t rows = 0;
    size_t got = std::fread(&rows, 1, sizeof rows, f_);
    if (got == 0 && std::feof(f_)) return std::unique_ptr<RecordBatch>();
    if (got != sizeof rows) return io_error("short read", path_);
    std::vector<std::unique_ptr<Column>> columns;
    for (const auto& field : schema_->fields()) {
      auto c = std::make_unique<Column>(field.type);
      MORTAR_RETURN_IF_ERROR(column(*c));
      columns.push_back(std::move(c));
    }
    return std::make_unique<RecordBatch>(schema_, std::move(columns), rows);
  }

 private:
  Status raw(void* p, size_t n) {
    if (n && std::fread(p, 1, n, f_) != n) return io_error("short read", path_);
    return ok_status();
  }
  template <typename T>
  Status vec(std::vector<T>& v) {
    int64_t n = 0;
    MORTAR_RETURN_IF_ERROR(raw(&n, sizeof n));
    if (n < 0 || n > (int64_t{1} << 40)) return internal_error("spill file " + path_ + ": corrupt");
    v.resize(static_cast<size_t>(n));
    return raw(v.data(), v.size() * sizeof(T));
  }
  Status column(Column& c) {
    int64_t length = 0;
    MORTAR_RETURN_IF_ERROR(raw(&length, sizeof length));
    MORTAR_RETURN_IF_ERROR(vec(c.validity()));
    MORTAR_RETURN_IF_ERROR(vec(c.values_buffer()));
    MORTAR_RETURN_IF_ERROR(vec(c.offsets()));
    MORTAR_RETURN_IF_ERROR(vec(c.data()));
    MORTAR_RETURN_IF_ERROR(vec(c.type_ids()));
    MORTAR_RETURN_IF_ERROR(vec(c.child_index()));
    for (auto& child : c.children()) MORTAR_RETURN_IF_ERROR(column(*child));
    std::vector<uint8_t> validity = std::move(c.validity());
    c.set_length(length);  // (a null-typed column resets its bitmap here)
    if (c.type()->kind() != types::TypeKind::kNull) c.validity() = std::move(validity);
    return ok_status();
  }

  std::FILE* f_;
  std::string path_;
  TypePtr schema_;
};

}  // namespace

StatusOr<std::unique_ptr<SpillFile>> SpillFile::create() {
  const char* dir = std::getenv("TMPDIR");
  std::string tmpl = std::string(dir && *dir ? dir : "/tmp") + "/mortar-spill-XXXXXX";
  int fd = mkstemp(tmpl.data());
  if (fd < 0) return io_error("create", tmpl);
  std::FILE* f = fdopen(fd, "w+b");
  if (!f) {
    ::close(fd);
    ::unlink(tmpl.c_str());
    return io_error("open", tmpl);
  }
  std::unique_ptr<SpillFile> s(new SpillFile());
  s->path_ = tmpl;
  s->file_ = f;
  return s;
}

SpillFile::~SpillFile() {
  if (file_) std::fclose(file_);
  if (!path_.empty()) ::unlink(path_.c_str());
}

Status SpillFile::append(const RecordBatch& batch) {
  Writer w(file_, path_);
  MORTAR_RETURN_IF_ERROR(w.i64(batch.num_rows()));
  for (int i = 0; i < batch.num_columns(); ++i) MORTAR_RETURN_IF_ERROR(w.column(batch.column(i)));
  bytes_ += w.bytes();
  rows_ += batch.num_rows();
  return ok_status();
}

StatusOr<std::unique_ptr<BatchStream>> SpillFile::read(TypePtr schema) {
  if (std::fflush(file_) != 0 || std::fseek(file_, 0, SEEK_SET) != 0)
    return io_error("rewind", path_);
  return std::unique_ptr<BatchStream>(new Reader(file_, path_, std::move(schema)));
}

}  // namespace mortar::engine
