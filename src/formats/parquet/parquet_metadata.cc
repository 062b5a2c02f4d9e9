#include "formats/parquet/parquet_metadata.h"

#include "formats/parquet/thrift_compact.h"

namespace mortar::formats::parquet {

namespace {

// Reads a struct's fields, calling `on_field(id, type)` for each; the
// callback returns false for fields it does not consume (they are skipped).
template <typename F>
void read_struct(ThriftReader& r, F&& on_field) {
  r.begin_struct();
  int16_t id;
  TType type;
  while (r.read_field_header(&id, &type)) {
    if (!on_field(id, type)) r.skip(type);
  }
  r.end_struct();
}

bool is_bool(TType t) { return t == TType::kBoolTrue || t == TType::kBoolFalse; }

template <typename F>
void read_list(ThriftReader& r, F&& on_elem) {
  TType et;
  int64_t n;
  r.read_list_header(&et, &n);
  for (int64_t i = 0; i < n && r.ok(); ++i) on_elem(et);
}

void read_empty(ThriftReader& r) {
  read_struct(r, [](int16_t, TType) { return false; });
}

TimeUnit read_time_unit(ThriftReader& r) {
  TimeUnit unit = TimeUnit::kNone;
  read_struct(r, [&](int16_t id, TType t) {
    if (t != TType::kStruct) return false;
    unit = id == 1 ? TimeUnit::kMillis : id == 2 ? TimeUnit::kMicros : id == 3 ? TimeUnit::kNanos
                                                                               : TimeUnit::kNone;
    read_empty(r);
    return true;
  });
  return unit;
}

LogicalType read_logical_type(ThriftReader& r) {
  LogicalType lt;
  read_struct(r, [&](int16_t id, TType t) {
    if (t != TType::kStruct) return false;
    switch (id) {
      case 1: lt.kind = LogicalType::kString; read_empty(r); return true;
      case 2: lt.kind = LogicalType::kMap; read_empty(r); return true;
      case 3: lt.kind = LogicalType::kList; read_empty(r); return true;
      case 4: lt.kind = LogicalType::kEnum; read_empty(r); return true;
      case 5:
        lt.kind = LogicalType::kDecimal;
        read_struct(r, [&](int16_t fid, TType ft) {
          if (ft != TType::kI32) return false;
          if (fid == 1) lt.scale = r.read_i32(); else if (fid == 2) lt.precision = r.read_i32(); else return false;
          return true;
        });
        return true;
      case 6: lt.kind = LogicalType::kDate; read_empty(r); return true;
      case 7:
      case 8:
        lt.kind = id == 7 ? LogicalType::kTime : LogicalType::kTimestamp;
        read_struct(r, [&](int16_t fid, TType ft) {
          if (fid == 1 && is_bool(ft)) { lt.adjusted_to_utc = ft == TType::kBoolTrue; return true; }
          if (fid == 2 && ft == TType::kStruct) { lt.unit = read_time_unit(r); return true; }
          return false;
        });
        return true;
      case 10:
        lt.kind = LogicalType::kInteger;
        read_struct(r, [&](int16_t fid, TType ft) {
          if (fid == 1 && ft == TType::kByte) { lt.bit_width = r.read_byte(); return true; }
          if (fid == 2 && is_bool(ft)) { lt.is_signed = ft == TType::kBoolTrue; return true; }
          return false;
        });
        return true;
      case 11: lt.kind = LogicalType::kUnknown; read_empty(r); return true;
      case 12: lt.kind = LogicalType::kJson; read_empty(r); return true;
      case 13: lt.kind = LogicalType::kBson; read_empty(r); return true;
      case 14: lt.kind = LogicalType::kUuid; read_empty(r); return true;
      case 15: lt.kind = LogicalType::kFloat16; read_empty(r); return true;
      default: lt.kind = LogicalType::kOther; return false;
    }
  });
  return lt;
}

SchemaElement read_schema_element(ThriftReader& r) {
  SchemaElement e;
  read_struct(r, [&](int16_t id, TType t) {
    switch (id) {
      case 1: if (t != TType::kI32) return false; e.type = static_cast<PhysicalType>(r.read_i32()); return true;
      case 2: if (t != TType::kI32) return false; e.type_length = r.read_i32(); return true;
      case 3: if (t != TType::kI32) return false; e.repetition = static_cast<Repetition>(r.read_i32()); return true;
      case 4: if (t != TType::kBinary) return false; e.name = r.read_binary(); return true;
      case 5: if (t != TType::kI32) return false; e.num_children = r.read_i32(); return true;
      case 6: if (t != TType::kI32) return false; e.converted_type = r.read_i32(); return true;
      case 7: if (t != TType::kI32) return false; e.scale = r.read_i32(); return true;
      case 8: if (t != TType::kI32) return false; e.precision = r.read_i32(); return true;
      case 9: if (t != TType::kI32) return false; e.field_id = r.read_i32(); return true;
      case 10: if (t != TType::kStruct) return false; e.logical = read_logical_type(r); return true;
      default: return false;
    }
  });
  return e;
}

Statistics read_statistics(ThriftReader& r) {
  Statistics s;
  read_struct(r, [&](int16_t id, TType t) {
    if ((id == 1 || id == 2 || id == 5 || id == 6) && t != TType::kBinary) return false;
    if ((id == 3 || id == 4) && t != TType::kI64) return false;
    switch (id) {
      case 1: s.max = r.read_binary(); return true;
      case 2: s.min = r.read_binary(); return true;
      case 3: s.null_count = r.read_i64(); return true;
      case 4: s.distinct_count = r.read_i64(); return true;
      case 5: s.max_value = r.read_binary(); return true;
      case 6: s.min_value = r.read_binary(); return true;
      default: return false;
    }
  });
  return s;
}

KeyValue read_key_value(ThriftReader& r) {
  KeyValue kv;
  read_struct(r, [&](int16_t id, TType t) {
    if (t != TType::kBinary) return false;
    if (id == 1) kv.key = r.read_binary(); else if (id == 2) kv.value = r.read_binary(); else return false;
    return true;
  });
  return kv;
}

void read_key_values(ThriftReader& r, std::vector<KeyValue>* out) {
  read_list(r, [&](TType et) {
    if (et != TType::kStruct) { r.fail("key_value_metadata: expected structs"); return; }
    out->push_back(read_key_value(r));
  });
}

ColumnMetaData read_column_metadata(ThriftReader& r) {
  ColumnMetaData m;
  read_struct(r, [&](int16_t id, TType t) {
    switch (id) {
      case 1: if (t != TType::kI32) return false; m.type = static_cast<PhysicalType>(r.read_i32()); return true;
      case 2:
        if (t != TType::kList) return false;
        read_list(r, [&](TType) { m.encodings.push_back(static_cast<Encoding>(r.read_i32())); });
        return true;
      case 3:
        if (t != TType::kList) return false;
        read_list(r, [&](TType) { m.path_in_schema.push_back(r.read_binary()); });
        return true;
      case 4: if (t != TType::kI32) return false; m.codec = static_cast<CompressionCodec>(r.read_i32()); return true;
      case 5: if (t != TType::kI64) return false; m.num_values = r.read_i64(); return true;
      case 6: if (t != TType::kI64) return false; m.total_uncompressed_size = r.read_i64(); return true;
      case 7: if (t != TType::kI64) return false; m.total_compressed_size = r.read_i64(); return true;
      case 8: if (t != TType::kList) return false; read_key_values(r, &m.key_value_metadata); return true;
      case 9: if (t != TType::kI64) return false; m.data_page_offset = r.read_i64(); return true;
      case 10: if (t != TType::kI64) return false; m.index_page_offset = r.read_i64(); return true;
      case 11: if (t != TType::kI64) return false; m.dictionary_page_offset = r.read_i64(); return true;
      case 12: if (t != TType::kStruct) return false; m.statistics = read_statistics(r); return true;
      default: return false;
    }
  });
  return m;
}

ColumnChunk read_column_chunk(ThriftReader& r) {
  ColumnChunk c;
  read_struct(r, [&](int16_t id, TType t) {
    switch (id) {
      case 1: if (t != TType::kBinary) return false; c.file_path = r.read_binary(); return true;
      case 2: if (t != TType::kI64) return false; c.file_offset = r.read_i64(); return true;
      case 3: if (t != TType::kStruct) return false; c.meta_data = read_column_metadata(r); return true;
      default: return false;
    }
  });
  return c;
}

RowGroup read_row_group(ThriftReader& r) {
  RowGroup g;
  read_struct(r, [&](int16_t id, TType t) {
    switch (id) {
      case 1:
        if (t != TType::kList) return false;
        read_list(r, [&](TType et) {
          if (et != TType::kStruct) { r.fail("row group columns: expected structs"); return; }
          g.columns.push_back(read_column_chunk(r));
        });
        return true;
      case 2: if (t != TType::kI64) return false; g.total_byte_size = r.read_i64(); return true;
      case 3: if (t != TType::kI64) return false; g.num_rows = r.read_i64(); return true;
      case 5: if (t != TType::kI64) return false; g.file_offset = r.read_i64(); return true;
      case 6: if (t != TType::kI64) return false; g.total_compressed_size = r.read_i64(); return true;
      default: return false;
    }
  });
  return g;
}

}  // namespace

StatusOr<FileMetaData> parse_file_metadata(std::string_view data) {
  ThriftReader r(data);
  FileMetaData md;
  read_struct(r, [&](int16_t id, TType t) {
    switch (id) {
      case 1: if (t != TType::kI32) return false; md.version = r.read_i32(); return true;
      case 2:
        if (t != TType::kList) return false;
        read_list(r, [&](TType et) {
          if (et != TType::kStruct) { r.fail("schema: expected structs"); return; }
          md.schema.push_back(read_schema_element(r));
        });
        return true;
      case 3: if (t != TType::kI64) return false; md.num_rows = r.read_i64(); return true;
      case 4:
        if (t != TType::kList) return false;
        read_list(r, [&](TType et) {
          if (et != TType::kStruct) { r.fail("row_groups: expected structs"); return; }
          md.row_groups.push_back(read_row_group(r));
        });
        return true;
      case 5: if (t != TType::kList) return false; read_key_values(r, &md.key_value_metadata); return true;
      case 6: if (t != TType::kBinary) return false; md.created_by = r.read_binary(); return true;
      case 7: md.has_column_orders = true; return false;
      case 8: md.encrypted = true; return false;
      default: return false;
    }
  });
  if (!r.ok()) return r.status();
  return md;
}

StatusOr<PageHeader> parse_page_header(std::string_view data, size_t* consumed) {
  ThriftReader r(data);
  PageHeader h;
  bool has_type = false;
  read_struct(r, [&](int16_t id, TType t) {
    switch (id) {
      case 1: if (t != TType::kI32) return false; h.type = static_cast<PageType>(r.read_i32()); has_type = true; return true;
      case 2: if (t != TType::kI32) return false; h.uncompressed_page_size = r.read_i32(); return true;
      case 3: if (t != TType::kI32) return false; h.compressed_page_size = r.read_i32(); return true;
      case 4: if (t != TType::kI32) return false; h.crc = r.read_i32(); return true;
      case 5: {
        if (t != TType::kStruct) return false;
        DataPageHeader d;
        read_struct(r, [&](int16_t fid, TType ft) {
          if (fid == 5 && ft == TType::kStruct) { d.statistics = read_statistics(r); return true; }
          if (ft != TType::kI32) return false;
          switch (fid) {
            case 1: d.num_values = r.read_i32(); return true;
            case 2: d.encoding = static_cast<Encoding>(r.read_i32()); return true;
            case 3: d.definition_level_encoding = static_cast<Encoding>(r.read_i32()); return true;
            case 4: d.repetition_level_encoding = static_cast<Encoding>(r.read_i32()); return true;
            default: return false;
          }
        });
        h.data_page = d;
        return true;
      }
      case 7: {
        if (t != TType::kStruct) return false;
        DictionaryPageHeader d;
        read_struct(r, [&](int16_t fid, TType ft) {
          if (fid == 3 && is_bool(ft)) { d.is_sorted = ft == TType::kBoolTrue; return true; }
          if (ft != TType::kI32) return false;
          if (fid == 1) d.num_values = r.read_i32(); else if (fid == 2) d.encoding = static_cast<Encoding>(r.read_i32()); else return false;
          return true;
        });
        h.dictionary_page = d;
        return true;
      }
      case 8: {
        if (t != TType::kStruct) return false;
        DataPageHeaderV2 d;
        read_struct(r, [&](int16_t fid, TType ft) {
          if (fid == 7 && is_bool(ft)) { d.is_compressed = ft == TType::kBoolTrue; return true; }
          if (fid == 8 && ft == TType::kStruct) { d.statistics = read_statistics(r); return true; }
          if (ft != TType::kI32) return false;
          switch (fid) {
            case 1: d.num_values = r.read_i32(); return true;
            case 2: d.num_nulls = r.read_i32(); return true;
            case 3: d.num_rows = r.read_i32(); return true;
            case 4: d.encoding = static_cast<Encoding>(r.read_i32()); return true;
            case 5: d.definition_levels_byte_length = r.read_i32(); return true;
            case 6: d.repetition_levels_byte_length = r.read_i32(); return true;
            default: return false;
          }
        });
        h.data_page_v2 = d;
        return true;
      }
      default: return false;
    }
  });
  if (!r.ok()) return r.status();
  if (!has_type) return invalid_input("page header without a type");
  *consumed = r.position();
  return h;
}

// ---------------------------------------------------------------- writing --

namespace {

void write_statistics(ThriftWriter& w, int16_t id, const Statistics& s) {
  w.field_header(id, TType::kStruct);
  w.begin_struct();
  if (s.max) w.field_binary(1, *s.max);
  if (s.min) w.field_binary(2, *s.min);
  if (s.null_count) w.field_i64(3, *s.null_count);
  if (s.distinct_count) w.field_i64(4, *s.distinct_count);
  if (s.max_value) w.field_binary(5, *s.max_value);
  if (s.min_value) w.field_binary(6, *s.min_value);
  w.end_struct();
}

void write_key_values(ThriftWriter& w, int16_t id, const std::vector<KeyValue>& kvs) {
  w.field_header(id, TType::kList);
  w.list_header(TType::kStruct, kvs.size());
  for (const auto& kv : kvs) {
    w.begin_struct();
    w.field_binary(1, kv.key);
    if (kv.value) w.field_binary(2, *kv.value);
    w.end_struct();
  }
}

void write_empty_struct_field(ThriftWriter& w, int16_t id) {
  w.field_header(id, TType::kStruct);
  w.begin_struct();
  w.end_struct();
}

void write_logical_type(ThriftWriter& w, const LogicalType& lt) {
  w.field_header(10, TType::kStruct);
  w.begin_struct();
  switch (lt.kind) {
    case LogicalType::kString: write_empty_struct_field(w, 1); break;
    case LogicalType::kMap: write_empty_struct_field(w, 2); break;
    case LogicalType::kList: write_empty_struct_field(w, 3); break;
    case LogicalType::kEnum: write_empty_struct_field(w, 4); break;
    case LogicalType::kDecimal:
      w.field_header(5, TType::kStruct);
      w.begin_struct();
      w.field_i32(1, lt.scale);
      w.field_i32(2, lt.precision);
      w.end_struct();
      break;
    case LogicalType::kDate: write_empty_struct_field(w, 6); break;
    case LogicalType::kTime:
    case LogicalType::kTimestamp:
      w.field_header(lt.kind == LogicalType::kTime ? 7 : 8, TType::kStruct);
      w.begin_struct();
      w.field_bool(1, lt.adjusted_to_utc);
      w.field_header(2, TType::kStruct);
      w.begin_struct();
      write_empty_struct_field(w, lt.unit == TimeUnit::kMillis ? 1 : lt.unit == TimeUnit::kMicros ? 2 : 3);
      w.end_struct();
      w.end_struct();
      break;
    case LogicalType::kInteger:
      w.field_header(10, TType::kStruct);
      w.begin_struct();
      w.field_byte(1, lt.bit_width);
      w.field_bool(2, lt.is_signed);
      w.end_struct();
      break;
    case LogicalType::kUnknown: write_empty_struct_field(w, 11); break;
    case LogicalType::kJson: write_empty_struct_field(w, 12); break;
    default: break;
  }
  w.end_struct();
}

}  // namespace

std::string serialize_file_metadata(const FileMetaData& md) {
  ThriftWriter w;
  w.begin_struct();
  w.field_i32(1, md.version);
  w.field_header(2, TType::kList);
  w.list_header(TType::kStruct, md.schema.size());
  for (const auto& e : md.schema) {
    w.begin_struct();
    if (e.type) w.field_i32(1, static_cast<int32_t>(*e.type));
    if (e.type && *e.type == PhysicalType::kFixedLenByteArray) w.field_i32(2, e.type_length);
    if (e.repetition) w.field_i32(3, static_cast<int32_t>(*e.repetition));
    w.field_binary(4, e.name);
    if (!e.type) w.field_i32(5, e.num_children);
    if (e.converted_type) w.field_i32(6, *e.converted_type);
    if (e.converted_type && *e.converted_type == converted::kDecimal) {
      w.field_i32(7, e.scale);
      w.field_i32(8, e.precision);
    }
    if (e.field_id) w.field_i32(9, *e.field_id);
    if (e.logical.kind != LogicalType::kNone) write_logical_type(w, e.logical);
    w.end_struct();
  }
  w.field_i64(3, md.num_rows);
  w.field_header(4, TType::kList);
  w.list_header(TType::kStruct, md.row_groups.size());
  for (const auto& g : md.row_groups) {
    w.begin_struct();
    w.field_header(1, TType::kList);
    w.list_header(TType::kStruct, g.columns.size());
    for (const auto& c : g.columns) {
      w.begin_struct();
      if (c.file_path) w.field_binary(1, *c.file_path);
      w.field_i64(2, c.file_offset);
      if (c.meta_data) {
        const ColumnMetaData& m = *c.meta_data;
        w.field_header(3, TType::kStruct);
        w.begin_struct();
        w.field_i32(1, static_cast<int32_t>(m.type));
        w.field_header(2, TType::kList);
        w.list_header(TType::kI32, m.encodings.size());
        for (Encoding e : m.encodings) w.write_zigzag(static_cast<int32_t>(e));
        w.field_header(3, TType::kList);
        w.list_header(TType::kBinary, m.path_in_schema.size());
        for (const auto& p : m.path_in_schema) w.write_binary(p);
        w.field_i32(4, static_cast<int32_t>(m.codec));
        w.field_i64(5, m.num_values);
        w.field_i64(6, m.total_uncompressed_size);
        w.field_i64(7, m.total_compressed_size);
        if (!m.key_value_metadata.empty()) write_key_values(w, 8, m.key_value_metadata);
        w.field_i64(9, m.data_page_offset);
        if (m.index_page_offset) w.field_i64(10, *m.index_page_offset);
        if (m.dictionary_page_offset) w.field_i64(11, *m.dictionary_page_offset);
        if (m.statistics) write_statistics(w, 12, *m.statistics);
        w.end_struct();
      }
      w.end_struct();
    }
    w.field_i64(2, g.total_byte_size);
    w.field_i64(3, g.num_rows);
    if (g.file_offset) w.field_i64(5, *g.file_offset);
    if (g.total_compressed_size) w.field_i64(6, *g.total_compressed_size);
    w.end_struct();
  }
  if (!md.key_value_metadata.empty()) write_key_values(w, 5, md.key_value_metadata);
  if (md.created_by) w.field_binary(6, *md.created_by);
  if (md.has_column_orders) {
    // Every column uses the type-defined order (what min_value/max_value mean).
    size_t leaves = 0;
    for (const auto& e : md.schema) leaves += e.type.has_value();
    w.field_header(7, TType::kList);
    w.list_header(TType::kStruct, leaves);
    for (size_t i = 0; i < leaves; ++i) {
      w.begin_struct();
      write_empty_struct_field(w, 1);
      w.end_struct();
    }
  }
  w.end_struct();
  return std::move(w.buffer());
}

std::string serialize_page_header(const PageHeader& h) {
  ThriftWriter w;
  w.begin_struct();
  w.field_i32(1, static_cast<int32_t>(h.type));
  w.field_i32(2, h.uncompressed_page_size);
  w.field_i32(3, h.compressed_page_size);
  if (h.crc) w.field_i32(4, *h.crc);
  if (h.data_page) {
    const DataPageHeader& d = *h.data_page;
    w.field_header(5, TType::kStruct);
    w.begin_struct();
    w.field_i32(1, d.num_values);
    w.field_i32(2, static_cast<int32_t>(d.encoding));
    w.field_i32(3, static_cast<int32_t>(d.definition_level_encoding));
    w.field_i32(4, static_cast<int32_t>(d.repetition_level_encoding));
    if (d.statistics) write_statistics(w, 5, *d.statistics);
    w.end_struct();
  }
  if (h.dictionary_page) {
    w.field_header(7, TType::kStruct);
    w.begin_struct();
    w.field_i32(1, h.dictionary_page->num_values);
    w.field_i32(2, static_cast<int32_t>(h.dictionary_page->encoding));
    w.end_struct();
  }
  if (h.data_page_v2) {
    const DataPageHeaderV2& d = *h.data_page_v2;
    w.field_header(8, TType::kStruct);
    w.begin_struct();
    w.field_i32(1, d.num_values);
    w.field_i32(2, d.num_nulls);
    w.field_i32(3, d.num_rows);
    w.field_i32(4, static_cast<int32_t>(d.encoding));
    w.field_i32(5, d.definition_levels_byte_length);
    w.field_i32(6, d.repetition_levels_byte_length);
    w.field_bool(7, d.is_compressed);
    w.end_struct();
  }
  w.end_struct();
  return std::move(w.buffer());
}

}  // namespace mortar::formats::parquet
