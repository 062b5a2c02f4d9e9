// The Thrift compact protocol, as Parquet's footer and page headers use it.
// Hand-written (no Thrift library): a bounds-checked reader that never reads
// past its buffer, allocates nothing the buffer could not justify and limits
// nesting depth, and a writer producing the same wire format.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mortar::formats::parquet {

// Compact protocol element types.
enum class TType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

class ThriftReader {
 public:
  explicit ThriftReader(std::string_view data) : data_(data) {}

  size_t position() const { return pos_; }
  // Set once a read fails; every later read fails too.
  const Status& status() const { return status_; }
  bool ok() const { return status_.ok(); }

  // Struct traversal: begin, then read_field_header() until it yields kStop.
  void begin_struct();
  void end_struct();
  // Returns false at the struct's end (kStop) or on error. For bool fields
  // the value is carried in the type (kBoolTrue/kBoolFalse).
  bool read_field_header(int16_t* id, TType* type);

  int64_t read_varint();
  int64_t read_zigzag();
  int32_t read_i32() { return static_cast<int32_t>(read_zigzag()); }
  int64_t read_i64() { return read_zigzag(); }
  int8_t read_byte();
  double read_double();
  std::string read_binary();
  // List/set header; the size is capped by the remaining bytes.
  void read_list_header(TType* elem_type, int64_t* size);
  // A bool field's value from its type; a bool list element reads one byte.
  bool read_bool_element();

  // Skips a value of the given type (nesting limited).
  void skip(TType type, int depth = 0);

  void fail(std::string_view what);

 private:
  uint8_t next_byte();

  std::string_view data_;
  size_t pos_ = 0;
  Status status_;
  int16_t last_field_id_ = 0;
  int16_t field_stack_[64];
  int depth_ = 0;
};

class ThriftWriter {
 public:
  void begin_struct();
  void end_struct();  // writes kStop
  void field_header(int16_t id, TType type);
  void field_i32(int16_t id, int32_t v);
  void field_i64(int16_t id, int64_t v);
  void field_bool(int16_t id, bool v);
  void field_binary(int16_t id, std::string_view v);
  void field_byte(int16_t id, int8_t v);
  void list_header(TType elem_type, int64_t size);
  void write_varint(uint64_t v);
  void write_zigzag(int64_t v) { write_varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void write_binary(std::string_view v);
  void write_byte(uint8_t b) { out_.push_back(static_cast<char>(b)); }

  std::string& buffer() { return out_; }

 private:
  std::string out_;
  int16_t last_field_id_ = 0;
  int16_t field_stack_[64];
  int depth_ = 0;
};

}  // namespace mortar::formats::parquet
