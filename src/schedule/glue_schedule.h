// Validation of the Schedule strings Glue takes on CreateTrigger,
// UpdateTrigger, CreateCrawler, UpdateCrawler and UpdateCrawlerSchedule:
// cron() only (Glue has no rate()), and nothing faster than every 5 minutes.
// Errors are InvalidArgument, which api/ maps to InvalidInputException.
#pragma once

#include <string_view>

#include "common/status.h"
#include "schedule/cron_expression.h"

namespace mortar::schedule {

// Glue's documented minimum precision for a schedule.
inline constexpr int kGlueMinIntervalMinutes = 5;

struct GlueScheduleOptions {
  // Reject cron expressions that fire more often than every 5 minutes, as
  // Glue's documentation says it does. Off for tests or local experiments.
  bool enforce_min_interval = true;
};

StatusOr<CronExpression> parse_glue_schedule(std::string_view schedule,
                                             GlueScheduleOptions options = {});

}  // namespace mortar::schedule
