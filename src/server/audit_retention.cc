#include "server/audit_retention.h"

#include <string>

#include "server/logging.h"

namespace mortar::server {

Status schedule_audit_retention(schedule::Scheduler& scheduler, store::Store& store,
                                const Clock& clock, const catalog::AuditRetention& retention) {
  if (retention.max_age_days <= 0 && retention.max_rows <= 0) return ok_status();
  MORTAR_ASSIGN_OR_RETURN(schedule::CronExpression every_minute,
                          schedule::CronExpression::parse("cron(* * * * ? *)"));
  return scheduler.add(kAuditRetentionEntry, std::move(every_minute),
                       [&store, &clock, retention](const schedule::FireEvent&) {
                         auto deleted = catalog::prune_audit(store, retention, clock.now_micros());
                         if (!deleted.ok()) {
                           // Busy or closing: the next minute tries again.
                           log_event(LogLevel::kWarn, "audit retention failed",
                                     {{"error", deleted.status().ToString()}});
                         } else if (*deleted > 0) {
                           const std::string n = std::to_string(*deleted);
                           log_event(LogLevel::kDebug, "audit entries pruned", {{"rows", n, true}});
                         }
                       });
}

Status schedule_log_retention(schedule::Scheduler& scheduler, logs::LogStore& logs,
                              const Clock& clock) {
  MORTAR_ASSIGN_OR_RETURN(schedule::CronExpression every_10_minutes,
                          schedule::CronExpression::parse("cron(0/10 * * * ? *)"));
  return scheduler.add(kLogRetentionEntry, std::move(every_10_minutes),
                       [&logs, &clock](const schedule::FireEvent&) {
                         auto deleted = logs.prune(clock.now_micros() / 1000);
                         if (!deleted.ok()) {
                           log_event(LogLevel::kWarn, "log retention failed",
                                     {{"error", deleted.status().ToString()}});
                         } else if (*deleted > 0) {
                           const std::string n = std::to_string(*deleted);
                           log_event(LogLevel::kDebug, "log events pruned", {{"events", n, true}});
                         }
                       });
}

}  // namespace mortar::server
