// Helpers shared by the catalog operation handlers: the call context, page
// sizes and NextToken handling.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/next_token.h"
#include "api/operation.h"
#include "catalog/catalog.h"
#include "common/call_context.h"

namespace mortar::api::ops {

// The catalog a request addresses: its CatalogId member, else the caller's.
inline CallContext call_context(const RequestContext& ctx, const Json& input) {
  CallContext c;
  auto it = input.find("CatalogId");
  c.catalog_id = it != input.end() && it->is_string() ? it->get<std::string>() : ctx.account_id;
  c.account_id = ctx.account_id;
  c.principal = ctx.principal;
  c.request_id = ctx.request_id;
  c.operation = ctx.operation;
  if (!ctx.region.empty()) c.region = ctx.region;
  return c;
}

inline std::string str(const Json& input, const char* name) {
  auto it = input.find(name);
  return it != input.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline std::optional<std::string> opt_str(const Json& input, const char* name) {
  auto it = input.find(name);
  if (it != input.end() && it->is_string()) return it->get<std::string>();
  return std::nullopt;
}

inline bool flag(const Json& input, const char* name) {
  auto it = input.find(name);
  return it != input.end() && it->is_boolean() && it->get<bool>();
}

// {name: value} without the deep copy an initializer list would make.
inline Json wrap(const char* name, Json value) {
  Json out = Json::object();
  out[name] = std::move(value);
  return out;
}

// AttributesToGet (GetDatabases: NAME; GetTables: NAME, TABLE_TYPE): keeps
// only the named members of each listed item; absent or empty keeps all.
inline void apply_attributes_to_get(const Json& input, std::vector<Json>& items) {
  auto it = input.find("AttributesToGet");
  if (it == input.end() || !it->is_array() || it->empty()) return;
  std::vector<std::string> keep;
  for (const auto& a : *it) {
    if (a == "NAME") keep.push_back("Name");
    if (a == "TABLE_TYPE") keep.push_back("TableType");
  }
  for (Json& item : items) {
    Json trimmed = Json::object();
    for (const auto& k : keep) {
      auto m = item.find(k);
      if (m != item.end()) trimmed[k] = std::move(*m);
    }
    item = std::move(trimmed);
  }
}

inline Json member(const Json& input, const char* name) {
  auto it = input.find(name);
  return it != input.end() ? *it : Json();
}

inline std::vector<std::string> str_list(const Json& input, const char* name) {
  std::vector<std::string> out;
  auto it = input.find(name);
  if (it != input.end() && it->is_array()) {
    for (const auto& v : *it) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

// MaxResults, bounded by the model (the validator already enforced the range).
inline int page_size(const Json& input, int model_max, int fallback = 100) {
  auto it = input.find("MaxResults");
  int n = it != input.end() && it->is_number_integer() ? it->get<int>() : fallback;
  if (n < 1) n = 1;
  return n > model_max ? model_max : n;
}

// Pagination over one listing: the token binds the position to the
// operation and to a fingerprint of the query members.
class Paging {
 public:
  Paging(const NextTokenCodec& codec, const RequestContext& ctx, const Json& input,
         std::initializer_list<const char*> query_members)
      : codec_(codec), operation_(ctx.operation.empty() ? std::string("op") : ctx.operation) {
    Json fp = Json::object();
    fp["CatalogId"] = call_context(ctx, input).catalog_id;
    for (const char* m : query_members) {
      auto it = input.find(m);
      if (it != input.end()) fp[m] = *it;
    }
    fingerprint_ = fp.dump();
    token_ = str(input, "NextToken");
  }

  // The position to resume after (null for the first page).
  StatusOr<Json> position() const {
    if (token_.empty()) return Json();
    return codec_.decode(operation_, fingerprint_, token_);
  }

  // Adds NextToken to `out` unless this was the last page.
  void finish(Json& out, const Json& next) const {
    if (!next.is_null()) out["NextToken"] = codec_.encode(operation_, fingerprint_, next);
  }

 private:
  const NextTokenCodec& codec_;
  std::string operation_;
  std::string fingerprint_;
  std::string token_;
};

void register_database_operations(OperationRegistry& r, catalog::Catalog& c, const NextTokenCodec& codec);
void register_table_operations(OperationRegistry& r, catalog::Catalog& c, const NextTokenCodec& codec);
void register_table_version_operations(OperationRegistry& r, catalog::Catalog& c,
                                       const NextTokenCodec& codec);
void register_search_operations(OperationRegistry& r, catalog::Catalog& c, const NextTokenCodec& codec);
void register_connection_operations(OperationRegistry& r, catalog::Catalog& c, const NextTokenCodec& codec);
void register_function_operations(OperationRegistry& r, catalog::Catalog& c, const NextTokenCodec& codec);
void register_tag_operations(OperationRegistry& r, catalog::Catalog& c);

}  // namespace mortar::api::ops
