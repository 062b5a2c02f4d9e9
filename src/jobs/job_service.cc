// JobService: job definitions (Create/Update/Delete/Get/GetJobs/BatchGet/
// ListJobs) and their tags. Runs are in job_runs.cc, the background side in
// run_dispatch.cc.
#include "jobs/job_service.h"

#include "catalog/tag_rules.h"
#include "common/crypto.h"
#include "jobs/job_definition.h"
#include "jobs/job_rows.h"
#include "jobs/run_active.h"

namespace mortar::jobs {
namespace {

std::string random_hex(size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : random_bytes(bytes)) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

bool has_tags(const Json& row_tags, const Json& wanted) {
  if (!wanted.is_object()) return true;
  for (auto it = wanted.begin(); it != wanted.end(); ++it) {
    auto have = row_tags.find(it.key());
    if (have == row_tags.end() || *have != it.value()) return false;
  }
  return true;
}

}  // namespace

Status JobService::migrate(store::Store& store) { return migrate_job_rows(store); }

JobService::JobService(store::Store& store, JobServiceOptions options)
    : store_(store), options_(std::move(options)), clock_(*options_.clock) {
  if (options_.server_id.empty()) options_.server_id = "jobs:" + random_hex(8);
}

StatusOr<std::unique_ptr<JobService>> JobService::create(store::Store& store,
                                                         JobServiceOptions options) {
  std::unique_ptr<JobService> service(new JobService(store, std::move(options)));
  MORTAR_RETURN_IF_ERROR(service->recover_at_start());
  service->dispatcher_ = std::thread([s = service.get()] { s->dispatcher_loop(); });
  if (service->options_.heartbeat_interval_millis > 0) {
    service->maintenance_ = std::thread([s = service.get()] { s->maintenance_loop(); });
  }
  service->dispatch();
  return service;
}

void JobService::log_event(const std::string& level, const std::string& message) const {
  if (options_.event_log) options_.event_log(level, message);
}

StatusOr<std::string> JobService::create_job(const CallContext& ctx, const Json& request) {
  MORTAR_RETURN_IF_ERROR(validate_job(request));
  const Json* tags = request.contains("Tags") ? &request["Tags"] : nullptr;
  if (tags) {
    MORTAR_RETURN_IF_ERROR(catalog::check_tag_values(*tags));
    if (tags->is_object()) {
      MORTAR_RETURN_IF_ERROR(catalog::check_tag_count(static_cast<int64_t>(tags->size())));
    }
  }
  JobRow row;
  row.name = request.value("Name", "");
  row.body = job_with_defaults(request);
  const double now = clock_.now_epoch_seconds();
  row.body["CreatedOn"] = now;
  row.body["LastModifiedOn"] = now;
  if (tags && tags->is_object()) row.tags = *tags;
  MORTAR_RETURN_IF_ERROR(store::run_in_write_transaction(
      store_, [&](store::Transaction& tx) { return insert_job(tx, ctx.account_id, row); }));
  return row.name;
}

Status JobService::update_job(const CallContext& ctx, const std::string& name,
                              const Json& job_update) {
  MORTAR_RETURN_IF_ERROR(validate_job(job_update));
  return store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(JobRow row, require_job_for_write(tx, ctx.account_id, name));
    // JobUpdate replaces the definition (members left out go back to defaults).
    Json body = job_with_defaults(job_update);
    body["Name"] = name;
    body["CreatedOn"] = row.body.value("CreatedOn", clock_.now_epoch_seconds());
    body["LastModifiedOn"] = clock_.now_epoch_seconds();
    row.body = std::move(body);
    return save_job(tx, ctx.account_id, row);
  });
}

Status JobService::delete_job(const CallContext& ctx, const std::string& name) {
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        return delete_job_row(tx, ctx.account_id, name).status();
      }));
  // Runs of the job this server executes lose their rows: stop them now
  // (other servers' notice at their next heartbeat).
  std::vector<std::shared_ptr<ActiveRun>> mine;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, run] : active_) {
      if (run->account == ctx.account_id && run->job_name == name) mine.push_back(run);
    }
  }
  for (auto& run : mine) run->lose("the job was deleted during the run");
  if (options_.on_job_deleted) options_.on_job_deleted(ctx.account_id, name);
  return ok_status();
}

StatusOr<Json> JobService::get_job(const CallContext& ctx, const std::string& name) {
  Json body;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(JobRow row, require_job(tx, ctx.account_id, name));
        body = std::move(row.body);
        return ok_status();
      }));
  return body;
}

StatusOr<Page> JobService::get_jobs(const CallContext& ctx, const std::string& after, int limit) {
  Page page;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(auto rows, jobs::list_jobs(tx, ctx.account_id, after, limit + 1));
        page.items.clear();
        page.next = Json();
        for (auto& row : rows) {
          if (static_cast<int>(page.items.size()) == limit) {
            page.next = page.items.back()["Name"];
            break;
          }
          page.items.push_back(std::move(row.body));
        }
        return ok_status();
      }));
  return page;
}

StatusOr<Page> JobService::list_jobs(const CallContext& ctx, const Json& tags,
                                     const std::string& after, int limit) {
  Page page;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(auto rows, jobs::list_jobs(tx, ctx.account_id, after, 0));
        page.items.clear();
        page.next = Json();
        for (auto& row : rows) {
          if (!has_tags(row.tags, tags)) continue;
          if (static_cast<int>(page.items.size()) == limit) {
            page.next = page.items.back();
            break;
          }
          page.items.push_back(row.name);
        }
        return ok_status();
      }));
  return page;
}

StatusOr<Json> JobService::batch_get_jobs(const CallContext& ctx,
                                          const std::vector<std::string>& names) {
  Json out = {{"Jobs", Json::array()}, {"JobsNotFound", Json::array()}};
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        out = {{"Jobs", Json::array()}, {"JobsNotFound", Json::array()}};
        for (const auto& name : names) {
          MORTAR_ASSIGN_OR_RETURN(auto row, load_job(tx, ctx.account_id, name));
          if (row) {
            out["Jobs"].push_back(std::move(row->body));
          } else {
            out["JobsNotFound"].push_back(name);
          }
        }
        return ok_status();
      }));
  return out;
}

StatusOr<Json> JobService::get_job_tags(const CallContext& ctx, const std::string& name) {
  Json tags;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(JobRow row, require_job(tx, ctx.account_id, name));
        tags = row.tags.is_object() ? std::move(row.tags) : Json::object();
        return ok_status();
      }));
  return tags;
}

Status JobService::tag_job(const CallContext& ctx, const std::string& name,
                           const Json& tags_to_add) {
  MORTAR_RETURN_IF_ERROR(catalog::check_tag_values(tags_to_add));
  return store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(JobRow row, require_job_for_write(tx, ctx.account_id, name));
    if (!tags_to_add.is_object() || tags_to_add.empty()) return ok_status();
    Json tags = row.tags.is_object() ? std::move(row.tags) : Json::object();
    for (auto it = tags_to_add.begin(); it != tags_to_add.end(); ++it) tags[it.key()] = it.value();
    MORTAR_RETURN_IF_ERROR(catalog::check_tag_count(static_cast<int64_t>(tags.size())));
    return save_job_tags(tx, ctx.account_id, name, tags);
  });
}

Status JobService::untag_job(const CallContext& ctx, const std::string& name,
                             const std::vector<std::string>& keys) {
  return store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(JobRow row, require_job_for_write(tx, ctx.account_id, name));
    Json tags = row.tags.is_object() ? std::move(row.tags) : Json::object();
    const size_t before = tags.size();
    for (const auto& k : keys) tags.erase(k);
    if (tags.size() == before) return ok_status();
    return save_job_tags(tx, ctx.account_id, name, tags);
  });
}

}  // namespace mortar::jobs
