// SearchTables: free text across table and database names, descriptions,
// owners, column names/types/comments and parameters; property filters (string
// fields match by token as Glue documents, time fields by comparator); one
// sort criterion; offset paging over the sorted result.
#include <algorithm>
#include <cctype>

#include "catalog/catalog.h"
#include "catalog/json_util.h"
#include "catalog/names.h"
#include "common/ascii.h"

namespace mortar::catalog {
namespace {

// Every searchable string of a table.
void collect_text(const Json& t, std::vector<std::string>& out) {
  for (const char* k : {"Name", "DatabaseName", "Description", "Owner", "TableType"}) {
    std::string v = string_member(t, k);
    if (!v.empty()) out.push_back(ascii_lower(v));
  }
  auto columns = [&](const Json& list) {
    if (!list.is_array()) return;
    for (const auto& c : list) {
      for (const char* k : {"Name", "Type", "Comment"}) {
        std::string v = string_member(c, k);
        if (!v.empty()) out.push_back(ascii_lower(v));
      }
    }
  };
  if (t.contains("StorageDescriptor")) {
    const Json& sd = t["StorageDescriptor"];
    columns(sd.value("Columns", Json()));
    std::string loc = string_member(sd, "Location");
    if (!loc.empty()) out.push_back(ascii_lower(loc));
  }
  columns(t.value("PartitionKeys", Json()));
  if (t.contains("Parameters") && t["Parameters"].is_object()) {
    for (auto it = t["Parameters"].begin(); it != t["Parameters"].end(); ++it) {
      out.push_back(ascii_lower(it.key()));
      if (it.value().is_string()) out.push_back(ascii_lower(it.value().get<std::string>()));
    }
  }
}

bool matches_text(const Json& t, const std::string& search_text) {
  std::string q = ascii_lower(search_text);
  while (!q.empty() && q.front() == ' ') q.erase(q.begin());
  while (!q.empty() && q.back() == ' ') q.pop_back();
  if (q.empty()) return true;
  std::vector<std::string> texts;
  collect_text(t, texts);
  bool exact = q.size() >= 2 && q.front() == '"' && q.back() == '"';
  if (exact) {
    q = q.substr(1, q.size() - 2);
    return std::find(texts.begin(), texts.end(), q) != texts.end();
  }
  for (const auto& s : texts) {
    if (s.find(q) != std::string::npos) return true;
  }
  return false;
}

bool is_time_field(const std::string& key) {
  return key == "CreateTime" || key == "UpdateTime" || key == "LastAccessTime" ||
         key == "LastAnalyzedTime";
}

// Glue's "fuzzy" string match: the field is split on punctuation into tokens;
// the value must equal the whole field or one token.
bool token_match(const std::string& field, const std::string& value) {
  std::string f = ascii_lower(field), v = ascii_lower(value);
  if (f == v) return true;
  std::string token;
  for (size_t i = 0; i <= f.size(); ++i) {
    char c = i < f.size() ? f[i] : '\0';
    if (i == f.size() || !(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) {
      if (token == v) return true;
      token.clear();
    } else {
      token += c;
    }
  }
  return false;
}

StatusOr<bool> matches_filter(const Json& t, const Json& pred) {
  std::string key = string_member(pred, "Key");
  std::string value = string_member(pred, "Value");
  if (key.empty()) return true;
  if (is_time_field(key)) {
    if (!t.contains(key) || !t[key].is_number()) return false;
    double field = t[key].get<double>();
    double want;
    try {
      want = std::stod(value);
    } catch (...) {
      return invalid_input("Filter value for " + key + " must be epoch seconds.");
    }
    std::string cmp = string_member(pred, "Comparator");
    if (cmp == "GREATER_THAN") return field > want;
    if (cmp == "LESS_THAN") return field < want;
    if (cmp == "GREATER_THAN_EQUALS") return field >= want;
    if (cmp == "LESS_THAN_EQUALS") return field <= want;
    return field == want;
  }
  if (t.contains(key) && t[key].is_string()) return token_match(t[key].get<std::string>(), value);
  // Anything else names a table parameter.
  if (t.contains("Parameters") && t["Parameters"].is_object()) {
    auto it = t["Parameters"].find(key);
    if (it != t["Parameters"].end() && it->is_string()) return token_match(it->get<std::string>(), value);
  }
  return false;
}

}  // namespace

StatusOr<Page> Catalog::search_tables(const CallContext& ctx, const Json& request, const Json& after,
                                      int limit) {
  std::string search_text = string_member(request, "SearchText");
  Json filters = request.value("Filters", Json::array());
  Json sort = request.value("SortCriteria", Json::array());
  if (sort.is_array() && sort.size() > 1) return invalid_input("At most one SortCriteria is supported.");
  std::string sort_field = "Name";
  bool descending = false;
  if (sort.is_array() && sort.size() == 1) {
    sort_field = string_member(sort[0], "FieldName");
    descending = string_member(sort[0], "Sort") == "DESC";
    if (sort_field.empty()) sort_field = "Name";
  }
  std::vector<Json> hits;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    hits.clear();
    MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT t.body FROM tables t JOIN databases d ON "
                                                "t.database_id=d.id WHERE d.catalog_id=? "
                                                "ORDER BY d.name, t.name",
                                                {ctx.catalog_id}));
    for (const auto& r : rows) {
      MORTAR_ASSIGN_OR_RETURN(Json t, parse_stored(r.text_at(0)));
      if (!matches_text(t, search_text)) continue;
      bool keep = true;
      if (filters.is_array()) {
        for (const auto& pred : filters) {
          MORTAR_ASSIGN_OR_RETURN(bool ok, matches_filter(t, pred));
          if (!ok) {
            keep = false;
            break;
          }
        }
      }
      if (keep) hits.push_back(std::move(t));
    }
    return ok_status();
  }));
  // Stable sort keeps (database, name) order among equal keys.
  std::stable_sort(hits.begin(), hits.end(), [&](const Json& a, const Json& b) {
    const Json& x = a.contains(sort_field) ? a[sort_field] : Json();
    const Json& y = b.contains(sort_field) ? b[sort_field] : Json();
    if (x.type() != y.type()) return descending ? x.type() > y.type() : x.type() < y.type();
    return descending ? y < x : x < y;
  });
  size_t offset = after.is_number_unsigned() || after.is_number_integer() ? after.get<size_t>() : 0;
  Page page;
  for (size_t i = offset; i < hits.size() && static_cast<int>(page.items.size()) < limit; ++i) {
    page.items.push_back(std::move(hits[i]));
  }
  if (offset + page.items.size() < hits.size()) page.next = offset + page.items.size();
  return page;
}

}  // namespace mortar::catalog
