// plan_jdbc_target(): Connection + JdbcTarget -> one PlannedTable per
// selected table or view. The engine readers do the database work; this
// file validates the inputs and shapes the tables as Glue writes them.
#include "crawler/jdbc/jdbc_target.h"

#include <fmt/format.h>

#include "common/ascii.h"
#include "crawler/jdbc/jdbc_source.h"
#include "crawler/plan/table_names.h"

namespace mortar::crawler {

namespace {

using jdbc::Engine;

std::string string_at(const Json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

PlannedTable to_planned(const jdbc::JdbcRelation& rel, Engine engine, const std::string& prefix,
                        const std::string& connection_name) {
  PlannedTable t;
  const bool pg = engine == Engine::kPostgres;
  // Sanitised as the S3 planner sanitises ("Order-Items" -> "order_items").
  t.name = ascii_lower(prefix) +
           sanitize_name(pg ? fmt::format("{}_{}_{}", rel.database, rel.schema, rel.name)
                            : fmt::format("{}_{}", rel.database, rel.name));
  t.location = pg ? fmt::format("{}.{}.{}", rel.database, rel.schema, rel.name)
                  : fmt::format("{}.{}", rel.database, rel.name);
  Classification& c = t.classification;
  c.classification = pg ? "postgresql" : "sqlite";
  c.certainty = 1.0;
  c.classifier_name = "jdbc";
  std::vector<types::Field> fields;
  for (const auto& f : rel.columns) fields.push_back({ascii_lower(f.name), f.type});
  c.schema = types::DataType::structure(std::move(fields));
  c.parameters["typeOfData"] = rel.is_view ? "view" : "table";
  c.reason = fmt::format("{} {} {} read through connection {}", c.classification,
                         rel.is_view ? "view" : "table", t.location, connection_name);
  t.extra_parameters["connectionName"] = connection_name;
  t.reasons.push_back(c.reason);
  return t;
}

}  // namespace

StatusOr<JdbcPlan> plan_jdbc_target(const Json& connection, const Json& target,
                                    const std::string& table_prefix, const CancelToken& cancel,
                                    const CrawlLogFn& log) {
  if (!connection.is_object()) return invalid_input("JdbcTarget: the connection is not an object");
  if (!target.is_object()) return invalid_input("JdbcTarget is not an object");
  jdbc::JdbcRequest req;
  req.connection_name = string_at(connection, "Name");
  if (req.connection_name.empty()) req.connection_name = string_at(target, "ConnectionName");
  const std::string type = string_at(connection, "ConnectionType");
  if (!type.empty() && type != "JDBC")
    return invalid_input(fmt::format("connection {} is of type {}; a JdbcTarget needs a JDBC connection",
                                     req.connection_name, type));
  const Json props = connection.value("ConnectionProperties", Json::object());
  const std::string url_text = string_at(props, "JDBC_CONNECTION_URL");
  if (url_text.empty())
    return invalid_input(fmt::format("connection {} has no JDBC_CONNECTION_URL", req.connection_name));
  auto url = jdbc::parse_jdbc_url(url_text);
  if (!url.ok()) return annotate(url.status(), fmt::format("connection {}", req.connection_name));
  req.url = std::move(*url);
  req.username = string_at(props, "USERNAME");
  req.password = string_at(props, "PASSWORD");
  if (req.username.empty() && req.url.options.count("user")) req.username = req.url.options["user"];
  if (req.password.empty() && req.url.options.count("password")) req.password = req.url.options["password"];
  if (string_at(props, "JDBC_ENFORCE_SSL") == "true" && !req.url.options.count("sslmode"))
    req.url.options["sslmode"] = "require";
  if (req.password.empty() && !string_at(props, "SECRET_ID").empty())
    return unimplemented(fmt::format(
        "connection {}: SECRET_ID (AWS Secrets Manager) is not supported; set USERNAME and PASSWORD",
        req.connection_name));

  const bool pg = req.url.engine == Engine::kPostgres;
  auto path = jdbc::IncludePath::parse(string_at(target, "Path"), pg);
  if (!path.ok()) return path.status();
  req.path = std::move(*path);
  std::vector<std::string> exclusions;
  if (target.contains("Exclusions") && target["Exclusions"].is_array())
    for (const Json& e : target["Exclusions"])
      if (e.is_string()) exclusions.push_back(e.get<std::string>());
  MORTAR_ASSIGN_OR_RETURN(req.exclusions, io::GlobMatcher::compile(exclusions));
  req.cancel = &cancel;
  req.log = log;
  if (log && target.contains("EnableAdditionalMetadata") && !target["EnableAdditionalMetadata"].empty())
    log("INFO", "EnableAdditionalMetadata (RAWTYPES/COMMENTS) is not written by Mortar's JDBC crawler yet");

  MORTAR_ASSIGN_OR_RETURN(jdbc::JdbcListing listing, pg ? jdbc::list_postgres(req) : jdbc::list_sqlite(req));
  JdbcPlan plan;
  plan.problems = std::move(listing.problems);
  for (const auto& rel : listing.relations)
    plan.tables.push_back(to_planned(rel, req.url.engine, table_prefix, req.connection_name));
  // "a-b" and "a_b" sanitise alike: Glue's md5-of-location suffix tells them apart.
  resolve_name_clashes(plan.tables);
  if (log)
    log("INFO", fmt::format("JdbcTarget {} through connection {}: {} tables/views, {} problems",
                            string_at(target, "Path"), req.connection_name, plan.tables.size(),
                            plan.problems.size()));
  return plan;
}

}  // namespace mortar::crawler
