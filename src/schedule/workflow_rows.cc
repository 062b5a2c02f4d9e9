#include "schedule/workflow_rows.h"

#include "catalog/row_lock.h"
#include "store/stored_json.h"

namespace mortar::schedule {
namespace {

using Json = nlohmann::json;

const std::vector<store::Migration>& migrations() {
  static const std::vector<store::Migration> kMigrations = {
      {1, "workflows, their runs and the nodes each run started",
       "CREATE TABLE workflows ("
       "  account_id TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL, tags TEXT NOT NULL,"
       "  PRIMARY KEY (account_id, name));"
       "CREATE TABLE workflow_runs ("
       "  account_id TEXT NOT NULL, run_id TEXT NOT NULL, workflow_name TEXT NOT NULL,"
       "  status TEXT NOT NULL, previous_run_id TEXT NOT NULL, error_message TEXT NOT NULL,"
       "  started_micros BIGINT NOT NULL, completed_micros BIGINT NOT NULL,"
       "  properties TEXT NOT NULL, triggers TEXT NOT NULL, event_batch TEXT NOT NULL,"
       "  PRIMARY KEY (account_id, run_id));"
       "CREATE INDEX workflow_runs_by_workflow ON workflow_runs (account_id, workflow_name, "
       "started_micros);"
       "CREATE INDEX workflow_runs_by_status ON workflow_runs (status);"
       "CREATE TABLE workflow_run_nodes ("
       "  account_id TEXT NOT NULL, run_id TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,"
       "  node_run_id TEXT NOT NULL, state TEXT NOT NULL, error_message TEXT NOT NULL,"
       "  started_micros BIGINT NOT NULL, finished_micros BIGINT NOT NULL,"
       "  PRIMARY KEY (account_id, run_id, kind, name, node_run_id));"
       "CREATE INDEX workflow_run_nodes_running ON workflow_run_nodes (account_id, kind, name, "
       "state)"},
  };
  return kMigrations;
}

StatusOr<Json> parse_json(const std::string& text) {
  return store::parse_stored_json(text, "workflow");
}

constexpr const char* kRunColumns =
    "account_id, run_id, workflow_name, status, previous_run_id, error_message, started_micros, "
    "completed_micros, properties, triggers, event_batch";

StatusOr<WorkflowRunRow> run_from(const store::Row& r) {
  WorkflowRunRow row;
  row.account = r.text_at(0);
  row.run_id = r.text_at(1);
  row.workflow = r.text_at(2);
  row.status = r.text_at(3);
  row.previous_run_id = r.text_at(4);
  row.error_message = r.text_at(5);
  row.started_micros = r.int_at(6);
  row.completed_micros = r.int_at(7);
  MORTAR_ASSIGN_OR_RETURN(row.properties, parse_json(r.text_at(8)));
  MORTAR_ASSIGN_OR_RETURN(row.triggers, parse_json(r.text_at(9)));
  MORTAR_ASSIGN_OR_RETURN(row.event_batch, parse_json(r.text_at(10)));
  return row;
}

StatusOr<std::vector<WorkflowRunRow>> runs_from(const std::vector<store::Row>& rows) {
  std::vector<WorkflowRunRow> out;
  for (const auto& r : rows) {
    MORTAR_ASSIGN_OR_RETURN(WorkflowRunRow row, run_from(r));
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace

Status migrate_workflow_rows(store::Store& store) {
  return store.migrate("workflows", migrations());
}

StatusOr<std::optional<WorkflowRow>> load_workflow(store::Transaction& tx,
                                                   const std::string& account,
                                                   const std::string& name) {
  MORTAR_ASSIGN_OR_RETURN(
      auto rows,
      tx.query("SELECT body, tags FROM workflows WHERE account_id=? AND name=?", {account, name}));
  if (rows.empty()) return std::optional<WorkflowRow>();
  WorkflowRow row;
  row.account = account;
  row.name = name;
  MORTAR_ASSIGN_OR_RETURN(row.body, parse_json(rows[0].text_at(0)));
  MORTAR_ASSIGN_OR_RETURN(row.tags, parse_json(rows[0].text_at(1)));
  return std::optional<WorkflowRow>(std::move(row));
}

StatusOr<WorkflowRow> require_workflow(store::Transaction& tx, const std::string& account,
                                       const std::string& name, bool for_write) {
  if (for_write) {
    MORTAR_RETURN_IF_ERROR(
        catalog::lock_rows(tx, "workflows", "name", "account_id=? AND name=?", {account, name})
            .status());
  }
  MORTAR_ASSIGN_OR_RETURN(auto row, load_workflow(tx, account, name));
  if (!row) return not_found("Workflow " + name + " not found");
  return std::move(*row);
}

Status insert_workflow(store::Transaction& tx, const WorkflowRow& row) {
  auto r = tx.exec("INSERT INTO workflows (account_id, name, body, tags) VALUES (?,?,?,?)",
                   {row.account, row.name, row.body.dump(), row.tags.dump()});
  if (r.status().code() == absl::StatusCode::kAlreadyExists) {
    return already_exists("Workflow with name " + row.name + " already exists");
  }
  return r.status();
}

Status save_workflow(store::Transaction& tx, const WorkflowRow& row) {
  return tx
      .exec("UPDATE workflows SET body=?, tags=? WHERE account_id=? AND name=?",
            {row.body.dump(), row.tags.dump(), row.account, row.name})
      .status();
}

StatusOr<bool> delete_workflow_row(store::Transaction& tx, const std::string& account,
                                   const std::string& name) {
  MORTAR_ASSIGN_OR_RETURN(
      int64_t n, tx.exec("DELETE FROM workflows WHERE account_id=? AND name=?", {account, name}));
  MORTAR_RETURN_IF_ERROR(tx.exec("DELETE FROM workflow_run_nodes WHERE account_id=? AND run_id IN "
                                 "(SELECT run_id FROM workflow_runs WHERE account_id=? AND "
                                 "workflow_name=?)",
                                 {account, account, name})
                             .status());
  MORTAR_RETURN_IF_ERROR(
      tx.exec("DELETE FROM workflow_runs WHERE account_id=? AND workflow_name=?", {account, name})
          .status());
  return n > 0;
}

StatusOr<std::vector<std::string>> list_workflow_names(store::Transaction& tx,
                                                       const std::string& account,
                                                       const std::string& after, int limit) {
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT name FROM workflows WHERE account_id=? AND "
                                              "name>? ORDER BY name LIMIT ?",
                                              {account, after, static_cast<int64_t>(limit)}));
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.text_at(0));
  return out;
}

Status insert_workflow_run(store::Transaction& tx, const WorkflowRunRow& row) {
  return tx
      .exec(std::string("INSERT INTO workflow_runs (") + kRunColumns +
                ") VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            {row.account, row.run_id, row.workflow, row.status, row.previous_run_id,
             row.error_message, row.started_micros, row.completed_micros, row.properties.dump(),
             row.triggers.dump(), row.event_batch.dump()})
      .status();
}

Status save_workflow_run(store::Transaction& tx, const WorkflowRunRow& row) {
  return tx
      .exec(
          "UPDATE workflow_runs SET status=?, error_message=?, completed_micros=?, "
          "properties=? WHERE account_id=? AND run_id=?",
          {row.status, row.error_message, row.completed_micros, row.properties.dump(), row.account,
           row.run_id})
      .status();
}

StatusOr<std::optional<WorkflowRunRow>> load_workflow_run(store::Transaction& tx,
                                                          const std::string& account,
                                                          const std::string& run_id,
                                                          bool for_write) {
  if (for_write) {
    MORTAR_RETURN_IF_ERROR(catalog::lock_rows(tx, "workflow_runs", "status",
                                              "account_id=? AND run_id=?", {account, run_id})
                               .status());
  }
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query(std::string("SELECT ") + kRunColumns +
                                                  " FROM workflow_runs WHERE account_id=? AND "
                                                  "run_id=?",
                                              {account, run_id}));
  if (rows.empty()) return std::optional<WorkflowRunRow>();
  MORTAR_ASSIGN_OR_RETURN(WorkflowRunRow row, run_from(rows[0]));
  return std::optional<WorkflowRunRow>(std::move(row));
}

StatusOr<WorkflowRunRow> require_workflow_run(store::Transaction& tx, const std::string& account,
                                              const std::string& workflow,
                                              const std::string& run_id, bool for_write) {
  MORTAR_ASSIGN_OR_RETURN(auto row, load_workflow_run(tx, account, run_id, for_write));
  if (!row || row->workflow != workflow)
    return not_found("Workflow run " + run_id + " of workflow " + workflow + " not found");
  return std::move(*row);
}

StatusOr<std::vector<WorkflowRunRow>> list_workflow_runs(store::Transaction& tx,
                                                         const std::string& account,
                                                         const std::string& workflow,
                                                         int64_t after_started,
                                                         const std::string& after_id, int limit) {
  std::string sql = std::string("SELECT ") + kRunColumns +
                    " FROM workflow_runs WHERE account_id=? AND workflow_name=?";
  std::vector<store::Value> params{account, workflow};
  if (after_started > 0) {
    sql += " AND (started_micros<? OR (started_micros=? AND run_id<?))";
    params.insert(params.end(), {after_started, after_started, after_id});
  }
  sql += " ORDER BY started_micros DESC, run_id DESC LIMIT ?";
  params.push_back(static_cast<int64_t>(limit));
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query(sql, params));
  return runs_from(rows);
}

StatusOr<int64_t> count_active_runs(store::Transaction& tx, const std::string& account,
                                    const std::string& workflow) {
  MORTAR_ASSIGN_OR_RETURN(auto rows,
                          tx.query("SELECT COUNT(*) FROM workflow_runs WHERE account_id=? AND "
                                   "workflow_name=? AND status IN ('RUNNING','STOPPING')",
                                   {account, workflow}));
  return rows.empty() ? 0 : rows[0].int_at(0);
}

StatusOr<std::vector<WorkflowRunRow>> active_workflow_runs(store::Transaction& tx) {
  MORTAR_ASSIGN_OR_RETURN(auto rows,
                          tx.query(std::string("SELECT ") + kRunColumns +
                                   " FROM workflow_runs WHERE status IN ('RUNNING','STOPPING') "
                                   "ORDER BY account_id, run_id"));
  return runs_from(rows);
}

namespace {

StatusOr<bool> node_exists(store::Transaction& tx, const std::string& account,
                           const std::string& run_id, const NodeRun& n) {
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT 1 FROM workflow_run_nodes WHERE "
                                              "account_id=? AND run_id=? AND kind=? AND name=? "
                                              "AND node_run_id=?",
                                              {account, run_id, n.kind, n.name, n.node_run_id}));
  return !rows.empty();
}

Status insert_node(store::Transaction& tx, const std::string& account, const std::string& run_id,
                   const NodeRun& n) {
  return tx
      .exec(
          "INSERT INTO workflow_run_nodes (account_id, run_id, kind, name, node_run_id, state, "
          "error_message, started_micros, finished_micros) VALUES (?,?,?,?,?,?,?,?,?)",
          {account, run_id, n.kind, n.name, n.node_run_id, n.state, n.error_message,
           n.started_micros, n.finished_micros})
      .status();
}

}  // namespace

Status record_node_start(store::Transaction& tx, const std::string& account,
                         const std::string& run_id, const NodeRun& node) {
  MORTAR_ASSIGN_OR_RETURN(bool exists, node_exists(tx, account, run_id, node));
  if (exists) return ok_status();
  return insert_node(tx, account, run_id, node);
}

Status record_node_end(store::Transaction& tx, const std::string& account,
                       const std::string& run_id, const NodeRun& node) {
  MORTAR_ASSIGN_OR_RETURN(bool exists, node_exists(tx, account, run_id, node));
  if (!exists) return insert_node(tx, account, run_id, node);
  return tx
      .exec(
          "UPDATE workflow_run_nodes SET state=?, error_message=?, finished_micros=? WHERE "
          "account_id=? AND run_id=? AND kind=? AND name=? AND node_run_id=?",
          {node.state, node.error_message, node.finished_micros, account, run_id, node.kind,
           node.name, node.node_run_id})
      .status();
}

StatusOr<std::vector<NodeRun>> list_nodes(store::Transaction& tx, const std::string& account,
                                          const std::string& run_id) {
  MORTAR_ASSIGN_OR_RETURN(
      auto rows, tx.query("SELECT kind, name, node_run_id, state, error_message, started_micros, "
                          "finished_micros FROM workflow_run_nodes WHERE account_id=? AND "
                          "run_id=? ORDER BY started_micros, kind, name, node_run_id",
                          {account, run_id}));
  std::vector<NodeRun> out;
  for (const auto& r : rows) {
    out.push_back(NodeRun{r.text_at(0), r.text_at(1), r.text_at(2), r.text_at(3), r.text_at(4),
                          r.int_at(5), r.int_at(6)});
  }
  return out;
}

StatusOr<std::vector<std::pair<std::string, std::string>>> running_crawl_nodes(
    store::Transaction& tx, const std::string& account, const std::string& crawler) {
  MORTAR_ASSIGN_OR_RETURN(auto rows,
                          tx.query("SELECT run_id, node_run_id FROM workflow_run_nodes WHERE "
                                   "account_id=? AND kind='CRAWLER' AND name=? AND state='RUNNING'",
                                   {account, crawler}));
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : rows) out.emplace_back(r.text_at(0), r.text_at(1));
  return out;
}

}  // namespace mortar::schedule
