#include "schedule/glue_schedule.h"

#include <string>

namespace mortar::schedule {

StatusOr<CronExpression> parse_glue_schedule(std::string_view schedule,
                                             GlueScheduleOptions options) {
  MORTAR_ASSIGN_OR_RETURN(CronExpression cron, CronExpression::parse(schedule));
  if (options.enforce_min_interval) {
    int gap = cron.shortest_gap_minutes();
    if (gap < kGlueMinIntervalMinutes) {
      return invalid_input("Invalid schedule expression \"" + cron.to_string() + "\": it fires " +
                           std::to_string(gap) + " minute(s) apart; the minimum interval is " +
                           std::to_string(kGlueMinIntervalMinutes) + " minutes");
    }
  }
  return cron;
}

}  // namespace mortar::schedule
