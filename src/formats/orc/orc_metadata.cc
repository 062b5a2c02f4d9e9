#include "formats/orc/orc_metadata.h"

#include "formats/orc/protobuf_reader.h"

namespace mortar::formats::orc {

namespace {

// Parses one sub-message with `body`, failing the outer reader on error.
template <typename F>
void sub_message(ProtoReader& outer, F body) {
  ProtoReader in(outer.read_bytes());
  if (!outer.ok()) return;
  body(in);
  if (!in.ok()) outer.fail(status_message(in.status()));
}

template <typename F>
Status parse_message(std::string_view bytes, std::string_view what, F body) {
  ProtoReader in(bytes);
  body(in);
  if (!in.ok()) return annotate(in.status(), what);
  return ok_status();
}

void parse_statistics(ProtoReader& in, ColumnStatistics* s) {
  uint32_t f;
  WireType t;
  while (in.next_field(&f, &t)) {
    switch (f) {
      case 1:
        s->number_of_values = in.read_varint();
        break;
      case 2:  // IntegerStatistics
        sub_message(in, [&](ProtoReader& m) {
          while (m.next_field(&f, &t)) {
            if (f == 1 && t == WireType::kVarint)
              s->int_min = m.read_sint64();
            else if (f == 2 && t == WireType::kVarint)
              s->int_max = m.read_sint64();
            else
              m.skip(t);
          }
        });
        break;
      case 3:  // DoubleStatistics
        sub_message(in, [&](ProtoReader& m) {
          while (m.next_field(&f, &t)) {
            if (f == 1 && t == WireType::kFixed64)
              s->double_min = m.read_double();
            else if (f == 2 && t == WireType::kFixed64)
              s->double_max = m.read_double();
            else
              m.skip(t);
          }
        });
        break;
      case 4:  // StringStatistics (lower/upper bounds of truncated values are not kept)
        sub_message(in, [&](ProtoReader& m) {
          while (m.next_field(&f, &t)) {
            if (f == 1 && t == WireType::kLengthDelimited)
              s->string_min = std::string(m.read_bytes());
            else if (f == 2 && t == WireType::kLengthDelimited)
              s->string_max = std::string(m.read_bytes());
            else
              m.skip(t);
          }
        });
        break;
      case 5:  // BucketStatistics: packed counts, [0] = trues
        sub_message(in, [&](ProtoReader& m) {
          while (m.next_field(&f, &t)) {
            if (f == 1) {
              std::vector<uint64_t> counts;
              m.read_repeated_varint(t, &counts);
              if (!counts.empty()) s->true_count = counts[0];
            } else {
              m.skip(t);
            }
          }
        });
        break;
      case 6:  // DecimalStatistics
        sub_message(in, [&](ProtoReader& m) {
          while (m.next_field(&f, &t)) {
            if (f == 1 && t == WireType::kLengthDelimited)
              s->decimal_min = std::string(m.read_bytes());
            else if (f == 2 && t == WireType::kLengthDelimited)
              s->decimal_max = std::string(m.read_bytes());
            else
              m.skip(t);
          }
        });
        break;
      case 7:  // DateStatistics
        sub_message(in, [&](ProtoReader& m) {
          while (m.next_field(&f, &t)) {
            if (f == 1 && t == WireType::kVarint)
              s->date_min = m.read_sint64();
            else if (f == 2 && t == WireType::kVarint)
              s->date_max = m.read_sint64();
            else
              m.skip(t);
          }
        });
        break;
      case 9:  // TimestampStatistics
        sub_message(in, [&](ProtoReader& m) {
          while (m.next_field(&f, &t)) {
            if ((f == 1 || f == 2) && t == WireType::kVarint) {
              m.read_sint64();
              s->has_ts_local = true;
            } else if (f == 3 && t == WireType::kVarint)
              s->ts_min_utc = m.read_sint64();
            else if (f == 4 && t == WireType::kVarint)
              s->ts_max_utc = m.read_sint64();
            else if (f == 5 && t == WireType::kVarint)
              s->ts_min_nanos = static_cast<int64_t>(m.read_varint());
            else if (f == 6 && t == WireType::kVarint)
              s->ts_max_nanos = static_cast<int64_t>(m.read_varint());
            else
              m.skip(t);
          }
        });
        break;
      case 10:
        s->has_null = in.read_varint() != 0;
        break;
      default:
        in.skip(t);
    }
  }
}

}  // namespace

std::string_view compression_name(CompressionKind kind) {
  switch (kind) {
    case CompressionKind::kNone:
      return "NONE";
    case CompressionKind::kZlib:
      return "ZLIB";
    case CompressionKind::kSnappy:
      return "SNAPPY";
    case CompressionKind::kLzo:
      return "LZO";
    case CompressionKind::kLz4:
      return "LZ4";
    case CompressionKind::kZstd:
      return "ZSTD";
  }
  return "unknown";
}

StatusOr<PostScript> parse_postscript(std::string_view bytes) {
  PostScript ps;
  MORTAR_RETURN_IF_ERROR(parse_message(bytes, "postscript", [&](ProtoReader& in) {
    uint32_t f;
    WireType t;
    while (in.next_field(&f, &t)) {
      switch (f) {
        case 1:
          ps.footer_length = in.read_varint();
          break;
        case 2: {
          uint64_t c = in.read_varint();
          if (c > 5) in.fail("unknown compression kind " + std::to_string(c));
          ps.compression = static_cast<CompressionKind>(c);
          break;
        }
        case 3:
          ps.compression_block_size = in.read_varint();
          break;
        case 4:
          in.read_repeated_varint(t, &ps.version);
          break;
        case 5:
          ps.metadata_length = in.read_varint();
          break;
        case 6:
          ps.writer_version = in.read_varint();
          break;
        case 8000:
          ps.magic = std::string(in.read_bytes());
          break;
        default:
          in.skip(t);
      }
    }
  }));
  return ps;
}

StatusOr<ColumnStatistics> parse_column_statistics(std::string_view bytes) {
  ColumnStatistics s;
  MORTAR_RETURN_IF_ERROR(parse_message(bytes, "column statistics",
                                       [&](ProtoReader& in) { parse_statistics(in, &s); }));
  return s;
}

StatusOr<Footer> parse_footer(std::string_view bytes) {
  Footer footer;
  MORTAR_RETURN_IF_ERROR(parse_message(bytes, "footer", [&](ProtoReader& in) {
    uint32_t f;
    WireType t;
    while (in.next_field(&f, &t)) {
      switch (f) {
        case 1:
          footer.header_length = in.read_varint();
          break;
        case 2:
          footer.content_length = in.read_varint();
          break;
        case 3:
          sub_message(in, [&](ProtoReader& m) {
            StripeInformation s;
            while (m.next_field(&f, &t)) {
              switch (f) {
                case 1:
                  s.offset = m.read_varint();
                  break;
                case 2:
                  s.index_length = m.read_varint();
                  break;
                case 3:
                  s.data_length = m.read_varint();
                  break;
                case 4:
                  s.footer_length = m.read_varint();
                  break;
                case 5:
                  s.number_of_rows = m.read_varint();
                  break;
                default:
                  m.skip(t);
              }
            }
            footer.stripes.push_back(s);
          });
          break;
        case 4:
          sub_message(in, [&](ProtoReader& m) {
            OrcType type;
            while (m.next_field(&f, &t)) {
              switch (f) {
                case 1: {
                  uint64_t k = m.read_varint();
                  if (k > 18) m.fail("unknown type kind " + std::to_string(k));
                  type.kind = static_cast<OrcKind>(k);
                  break;
                }
                case 2:
                  m.read_repeated_varint(t, &type.subtypes);
                  break;
                case 3:
                  type.field_names.emplace_back(m.read_bytes());
                  break;
                case 4:
                  type.maximum_length = m.read_varint();
                  break;
                case 5:
                  type.precision = m.read_varint();
                  break;
                case 6:
                  type.scale = m.read_varint();
                  break;
                default:
                  m.skip(t);
              }
            }
            footer.types.push_back(std::move(type));
          });
          break;
        case 5:
          sub_message(in, [&](ProtoReader& m) {
            std::pair<std::string, std::string> item;
            while (m.next_field(&f, &t)) {
              if (f == 1 && t == WireType::kLengthDelimited)
                item.first = std::string(m.read_bytes());
              else if (f == 2 && t == WireType::kLengthDelimited)
                item.second = std::string(m.read_bytes());
              else
                m.skip(t);
            }
            footer.user_metadata.push_back(std::move(item));
          });
          break;
        case 6:
          footer.number_of_rows = in.read_varint();
          break;
        case 7:
          sub_message(in, [&](ProtoReader& m) {
            ColumnStatistics s;
            parse_statistics(m, &s);
            footer.statistics.push_back(std::move(s));
          });
          break;
        case 8:
          footer.row_index_stride = in.read_varint();
          break;
        default:
          in.skip(t);
      }
    }
  }));
  return footer;
}

StatusOr<std::vector<StripeStatistics>> parse_metadata(std::string_view bytes) {
  std::vector<StripeStatistics> out;
  MORTAR_RETURN_IF_ERROR(parse_message(bytes, "metadata", [&](ProtoReader& in) {
    uint32_t f;
    WireType t;
    while (in.next_field(&f, &t)) {
      if (f != 1) {
        in.skip(t);
        continue;
      }
      sub_message(in, [&](ProtoReader& m) {
        StripeStatistics ss;
        while (m.next_field(&f, &t)) {
          if (f == 1) {
            sub_message(m, [&](ProtoReader& c) {
              ColumnStatistics s;
              parse_statistics(c, &s);
              ss.columns.push_back(std::move(s));
            });
          } else {
            m.skip(t);
          }
        }
        out.push_back(std::move(ss));
      });
    }
  }));
  return out;
}

StatusOr<StripeFooter> parse_stripe_footer(std::string_view bytes) {
  StripeFooter sf;
  MORTAR_RETURN_IF_ERROR(parse_message(bytes, "stripe footer", [&](ProtoReader& in) {
    uint32_t f;
    WireType t;
    while (in.next_field(&f, &t)) {
      switch (f) {
        case 1:
          sub_message(in, [&](ProtoReader& m) {
            StreamInfo s;
            while (m.next_field(&f, &t)) {
              switch (f) {
                case 1:
                  s.kind = m.read_varint();
                  break;
                case 2:
                  s.column = m.read_varint();
                  break;
                case 3:
                  s.length = m.read_varint();
                  break;
                default:
                  m.skip(t);
              }
            }
            sf.streams.push_back(s);
          });
          break;
        case 2:
          sub_message(in, [&](ProtoReader& m) {
            ColumnEncoding e;
            while (m.next_field(&f, &t)) {
              switch (f) {
                case 1: {
                  uint64_t k = m.read_varint();
                  if (k > 3) m.fail("unknown column encoding " + std::to_string(k));
                  e.kind = static_cast<EncodingKind>(k);
                  break;
                }
                case 2:
                  e.dictionary_size = m.read_varint();
                  break;
                default:
                  m.skip(t);
              }
            }
            sf.columns.push_back(e);
          });
          break;
        case 3:
          sf.writer_timezone = std::string(in.read_bytes());
          break;
        default:
          in.skip(t);
      }
    }
  }));
  return sf;
}

}  // namespace mortar::formats::orc
