#include "schedule/workflow_graph.h"

#include <map>

namespace mortar::schedule {
namespace {

using Json = nlohmann::json;

// (kind, name) a trigger's action starts or a condition watches.
std::pair<std::string, std::string> target(const Json& j) {
  if (j.contains("JobName")) return {"JOB", j.value("JobName", std::string())};
  return {"CRAWLER", j.value("CrawlerName", std::string())};
}

Json conditions_of(const Json& trigger) {
  return trigger.value("Predicate", Json::object()).value("Conditions", Json::array());
}

}  // namespace

std::string workflow_node_id(const std::string& kind, const std::string& name) {
  std::string lower = kind == "JOB" ? "job" : kind == "CRAWLER" ? "crawler" : "trigger";
  return "wnode_" + lower + "_" + name;
}

Json workflow_graph(const Json& triggers, const NodeDetails& details) {
  Json nodes = Json::array();
  Json edges = Json::array();
  std::map<std::string, std::pair<std::string, std::string>> targets;  // id -> (kind, name)
  auto edge = [&](const std::string& from, const std::string& to) {
    edges.push_back(Json{{"SourceId", from}, {"DestinationId", to}});
  };
  for (const auto& t : triggers) {
    const std::string name = t.value("Name", std::string());
    const std::string id = workflow_node_id("TRIGGER", name);
    nodes.push_back(Json{{"Type", "TRIGGER"},
                         {"Name", name},
                         {"UniqueId", id},
                         {"TriggerDetails", Json{{"Trigger", t}}}});
    for (const auto& a : t.value("Actions", Json::array())) {
      auto k = target(a);
      const std::string to = workflow_node_id(k.first, k.second);
      targets.emplace(to, k);
      edge(id, to);
    }
    for (const auto& c : conditions_of(t)) {
      auto k = target(c);
      const std::string from = workflow_node_id(k.first, k.second);
      targets.emplace(from, k);
      edge(from, id);
    }
  }
  for (const auto& [id, k] : targets) {
    Json n{{"Type", k.first}, {"Name", k.second}, {"UniqueId", id}};
    if (details) {
      Json d = details(k.first, k.second);
      if (!d.is_null()) n[k.first == "JOB" ? "JobDetails" : "CrawlerDetails"] = std::move(d);
    }
    nodes.push_back(std::move(n));
  }
  return Json{{"Nodes", std::move(nodes)}, {"Edges", std::move(edges)}};
}

const Json* start_trigger_of(const Json& triggers) {
  for (const auto& t : triggers) {
    if (t.value("Type", std::string()) != "CONDITIONAL") return &t;
  }
  return nullptr;
}

std::set<std::string> downstream_of(const Json& triggers, const std::vector<std::string>& from) {
  std::set<std::string> seen;
  std::vector<std::string> todo(from.begin(), from.end());
  while (!todo.empty()) {
    const std::string id = todo.back();
    todo.pop_back();
    if (!seen.insert(id).second) continue;
    for (const auto& t : triggers) {
      bool watches = false;
      for (const auto& c : conditions_of(t)) {
        auto k = target(c);
        watches = watches || workflow_node_id(k.first, k.second) == id;
      }
      if (!watches) continue;
      for (const auto& a : t.value("Actions", Json::array())) {
        auto k = target(a);
        todo.push_back(workflow_node_id(k.first, k.second));
      }
    }
  }
  return seen;
}

NodeStarter starter_of(const Json& triggers, const std::string& node_id) {
  NodeStarter out;
  for (const auto& t : triggers) {
    auto actions = t.find("Actions");  // by reference: out keeps pointers into it
    if (actions == t.end() || !actions->is_array()) continue;
    for (const auto& a : *actions) {
      auto k = target(a);
      if (workflow_node_id(k.first, k.second) != node_id) continue;
      out.kind = k.first;
      out.name = k.second;
      out.trigger = &t;
      out.action = &a;
      return out;
    }
  }
  return out;
}

Json run_statistics(const std::vector<NodeRun>& nodes) {
  int total = 0, succeeded = 0, failed = 0, stopped = 0, timeout = 0, errored = 0, running = 0,
      waiting = 0;
  for (const auto& n : nodes) {
    if (n.kind == "TRIGGER") continue;
    ++total;
    const std::string& s = n.state;
    if (s == "SUCCEEDED") {
      ++succeeded;
    } else if (s == "FAILED" || s == "EXPIRED") {
      ++failed;
    } else if (s == "STOPPED" || s == "CANCELLED") {
      ++stopped;
    } else if (s == "TIMEOUT") {
      ++timeout;
    } else if (s == "ERROR") {
      ++errored;
    } else if (s == "WAITING") {
      ++waiting;
    } else {
      ++running;
    }
  }
  return Json{{"TotalActions", total},         {"TimeoutActions", timeout},
              {"FailedActions", failed},       {"StoppedActions", stopped},
              {"SucceededActions", succeeded}, {"RunningActions", running},
              {"ErroredActions", errored},     {"WaitingActions", waiting}};
}

}  // namespace mortar::schedule
