#include "events/rule_rows.h"

#include "store/stored_json.h"

namespace mortar::events {
namespace {

using store::Value;

const std::vector<store::Migration>& migrations() {
  static const std::vector<store::Migration> kMigrations = {
      {1, "EventBridge rules and their targets",
       "CREATE TABLE event_rules ("
       "  account_id TEXT NOT NULL, name TEXT NOT NULL, event_pattern TEXT NOT NULL,"
       "  state TEXT NOT NULL, description TEXT NOT NULL, role_arn TEXT NOT NULL,"
       "  created_micros BIGINT NOT NULL, PRIMARY KEY (account_id, name));"
       "CREATE TABLE event_targets ("
       "  account_id TEXT NOT NULL, rule_name TEXT NOT NULL, id TEXT NOT NULL,"
       "  arn TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (account_id, rule_name, id))"},
  };
  return kMigrations;
}

constexpr const char* kRuleColumns =
    "account_id, name, event_pattern, state, description, role_arn, created_micros";

RuleRow rule_from(const store::Row& r) {
  return RuleRow{r.text_at(0), r.text_at(1), r.text_at(2), r.text_at(3),
                 r.text_at(4), r.text_at(5), r.int_at(6)};
}

std::vector<RuleRow> rules_from(const std::vector<store::Row>& rows) {
  std::vector<RuleRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(rule_from(r));
  return out;
}

}  // namespace

Status migrate_rule_rows(store::Store& store) { return store.migrate("event_rules", migrations()); }

StatusOr<std::optional<RuleRow>> load_rule(store::Transaction& tx, const std::string& account,
                                           const std::string& name) {
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query(std::string("SELECT ") + kRuleColumns +
                                                  " FROM event_rules WHERE account_id=? AND name=?",
                                              {account, name}));
  if (rows.empty()) return std::optional<RuleRow>();
  return std::optional<RuleRow>(rule_from(rows[0]));
}

Status upsert_rule(store::Transaction& tx, const RuleRow& row) {
  MORTAR_ASSIGN_OR_RETURN(
      int64_t n, tx.exec("UPDATE event_rules SET event_pattern=?, state=?, description=?, "
                         "role_arn=? WHERE account_id=? AND name=?",
                         {row.event_pattern, row.state, row.description, row.role_arn, row.account,
                          row.name}));
  if (n > 0) return ok_status();
  return tx
      .exec(
          "INSERT INTO event_rules (account_id, name, event_pattern, state, description, "
          "role_arn, created_micros) VALUES (?,?,?,?,?,?,?)",
          {row.account, row.name, row.event_pattern, row.state, row.description, row.role_arn,
           row.created_micros})
      .status();
}

StatusOr<bool> delete_rule_row(store::Transaction& tx, const std::string& account,
                               const std::string& name) {
  MORTAR_ASSIGN_OR_RETURN(int64_t n, tx.exec("DELETE FROM event_rules WHERE account_id=? AND "
                                             "name=?",
                                             {account, name}));
  MORTAR_RETURN_IF_ERROR(
      tx.exec("DELETE FROM event_targets WHERE account_id=? AND rule_name=?", {account, name})
          .status());
  return n > 0;
}

StatusOr<std::vector<RuleRow>> list_rule_rows(store::Transaction& tx, const std::string& account,
                                              const std::string& prefix, const std::string& after,
                                              int limit) {
  // Names sharing a prefix are contiguous in name order.
  MORTAR_ASSIGN_OR_RETURN(
      auto rows, tx.query(std::string("SELECT ") + kRuleColumns +
                              " FROM event_rules WHERE account_id=? AND name>=? AND name>? "
                              "ORDER BY name LIMIT ?",
                          {account, prefix, after, static_cast<int64_t>(limit)}));
  std::vector<RuleRow> out;
  for (const auto& r : rows) {
    if (!r.text_at(1).starts_with(prefix)) break;
    out.push_back(rule_from(r));
  }
  return out;
}

StatusOr<std::vector<RuleRow>> enabled_rule_rows(store::Transaction& tx,
                                                 const std::string& account) {
  std::string sql = std::string("SELECT ") + kRuleColumns + " FROM event_rules WHERE state<>?";
  std::vector<Value> params = {std::string("DISABLED")};
  if (!account.empty()) {
    sql += " AND account_id=?";
    params.emplace_back(account);
  }
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query(sql + " ORDER BY account_id, name", params));
  return rules_from(rows);
}

Status upsert_target(store::Transaction& tx, const std::string& account, const std::string& rule,
                     const TargetRow& t) {
  MORTAR_ASSIGN_OR_RETURN(int64_t n,
                          tx.exec("UPDATE event_targets SET arn=?, body=? WHERE account_id=? AND "
                                  "rule_name=? AND id=?",
                                  {t.arn, t.body.dump(), account, rule, t.id}));
  if (n > 0) return ok_status();
  return tx
      .exec("INSERT INTO event_targets (account_id, rule_name, id, arn, body) VALUES (?,?,?,?,?)",
            {account, rule, t.id, t.arn, t.body.dump()})
      .status();
}

StatusOr<bool> delete_target(store::Transaction& tx, const std::string& account,
                             const std::string& rule, const std::string& id) {
  MORTAR_ASSIGN_OR_RETURN(
      int64_t n, tx.exec("DELETE FROM event_targets WHERE account_id=? AND rule_name=? AND id=?",
                         {account, rule, id}));
  return n > 0;
}

StatusOr<std::vector<TargetRow>> list_target_rows(store::Transaction& tx,
                                                  const std::string& account,
                                                  const std::string& rule, const std::string& after,
                                                  int limit) {
  std::string sql =
      "SELECT id, arn, body FROM event_targets WHERE account_id=? AND rule_name=? AND id>? "
      "ORDER BY id";
  std::vector<Value> params = {account, rule, after};
  if (limit > 0) {
    sql += " LIMIT ?";
    params.emplace_back(static_cast<int64_t>(limit));
  }
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query(sql, params));
  std::vector<TargetRow> out;
  for (const auto& r : rows) {
    MORTAR_ASSIGN_OR_RETURN(nlohmann::json body,
                            store::parse_stored_json(r.text_at(2), "event target"));
    out.push_back({r.text_at(0), r.text_at(1), std::move(body)});
  }
  return out;
}

}  // namespace mortar::events
