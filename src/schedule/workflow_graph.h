// A workflow's graph, as Glue's WorkflowGraph shows it, built from the
// workflow's triggers: a TRIGGER node per trigger, a JOB or CRAWLER node per
// job or crawler a trigger starts or watches, an edge from each trigger to
// what its actions start and from each watched job/crawler to the
// conditional trigger watching it. Also the run statistics and the
// downstream walk ResumeWorkflowRun needs. Pure functions.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "schedule/workflow_rows.h"

namespace mortar::schedule {

// Node.UniqueId: stable across runs of a workflow ("wnode_job_<name>" ...).
std::string workflow_node_id(const std::string& kind, const std::string& name);

// `details(kind, name)` fills JobDetails/CrawlerDetails of a JOB or CRAWLER
// node (null: none); unset: nodes carry no details.
using NodeDetails = std::function<nlohmann::json(const std::string& kind, const std::string& name)>;
nlohmann::json workflow_graph(const nlohmann::json& triggers, const NodeDetails& details = {});

// The workflow's start trigger: its non-CONDITIONAL trigger (null if none).
const nlohmann::json* start_trigger_of(const nlohmann::json& triggers);

// The JOB/CRAWLER node ids at or downstream of `from` (following actions and
// the conditional triggers watching each node).
std::set<std::string> downstream_of(const nlohmann::json& triggers,
                                    const std::vector<std::string>& from);

// For a JOB or CRAWLER node id: the (trigger, action) that starts it, so a
// resumed node starts as its trigger would (null when nothing starts it).
struct NodeStarter {
  std::string kind;
  std::string name;
  const nlohmann::json* trigger = nullptr;
  const nlohmann::json* action = nullptr;
};
NodeStarter starter_of(const nlohmann::json& triggers, const std::string& node_id);

// WorkflowRunStatistics over the job runs and crawls of a run (TRIGGER
// bookkeeping rows are not actions).
nlohmann::json run_statistics(const std::vector<NodeRun>& nodes);

}  // namespace mortar::schedule
