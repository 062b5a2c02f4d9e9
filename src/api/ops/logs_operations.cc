#include "api/ops/logs_operations.h"

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include "api/ops/op_support.h"
#include "common/status.h"
#include "logs/filter_pattern.h"
#include "logs/log_reader.h"

namespace mortar::api {
namespace {

using ops::opt_str;
using ops::str;

std::optional<int64_t> opt_int(const Json& in, const char* name) {
  auto it = in.find(name);
  if (it != in.end() && it->is_number_integer()) return it->get<int64_t>();
  return std::nullopt;
}

bool opt_bool(const Json& in, const char* name, bool otherwise) {
  auto it = in.find(name);
  return it != in.end() && it->is_boolean() ? it->get<bool>() : otherwise;
}

Status invalid_parameter(const std::string& message) { return invalid_input(message); }

std::string group_arn(const RequestContext& ctx, const std::string& group) {
  return "arn:aws:logs:" + ctx.region + ":" + ctx.account_id + ":log-group:" + group;
}

// logGroupName, or logGroupIdentifier (a name or a log group ARN).
StatusOr<std::string> group_of(const RequestContext& ctx, const Json& in, bool required = true) {
  auto name = opt_str(in, "logGroupName");
  auto id = opt_str(in, "logGroupIdentifier");
  if (name && id) {
    return invalid_parameter("LogGroup name and LogGroup ARN are mutually exclusive parameters.");
  }
  if (!name && !id) {
    if (!required) return std::string();
    return invalid_parameter("Either logGroupName or logGroupIdentifier must be specified.");
  }
  if (name) return *name;
  std::string g = *id;
  if (g.starts_with("arn:")) {
    // arn:aws:logs:<region>:<account>:log-group:<name>[:*]
    std::string prefix = "arn:aws:logs:";
    size_t region_end = g.find(':', prefix.size());
    size_t account_end = region_end == std::string::npos ? region_end : g.find(':', region_end + 1);
    if (!g.starts_with(prefix) || account_end == std::string::npos ||
        g.compare(account_end + 1, 10, "log-group:") != 0) {
      return invalid_parameter("logGroupIdentifier '" + g + "' is not a log group ARN");
    }
    std::string account = g.substr(region_end + 1, account_end - region_end - 1);
    if (account != ctx.account_id) return not_found("The specified log group does not exist.");
    g = g.substr(account_end + 1 + 10);
    if (g.ends_with(":*")) g.resize(g.size() - 2);
  }
  return g;
}

Json group_json(const RequestContext& ctx, const logs::GroupInfo& g) {
  Json out = {{"logGroupName", g.group.name},
              {"creationTime", g.group.creation_ms},
              {"metricFilterCount", 0},
              {"arn", group_arn(ctx, g.group.name) + ":*"},
              {"logGroupArn", group_arn(ctx, g.group.name)},
              {"storedBytes", g.stored_bytes},
              {"logGroupClass", "STANDARD"}};
  if (g.group.retention_days) out["retentionInDays"] = *g.group.retention_days;
  return out;
}

Json stream_json(const RequestContext& ctx, const std::string& group, const logs::StreamRow& s) {
  Json out = {{"logStreamName", s.name},
              {"creationTime", s.creation_ms},
              {"arn", group_arn(ctx, group) + ":log-stream:" + s.name},
              {"storedBytes", 0}};  // CloudWatch reports 0 for streams since 2019
  if (s.first_event_ms) out["firstEventTimestamp"] = *s.first_event_ms;
  if (s.last_event_ms) out["lastEventTimestamp"] = *s.last_event_ms;
  if (s.last_ingestion_ms) out["lastIngestionTime"] = *s.last_ingestion_ms;
  return out;
}

// The query a token belongs to, so it cannot be replayed against another.
std::string fingerprint(const RequestContext& ctx, std::initializer_list<Json> parts) {
  Json j = Json::array({ctx.account_id});
  for (const Json& p : parts) j.push_back(p);
  return j.dump();
}

void describe_log_groups(OperationRegistry& ops, logs::LogReader reader,
                         const NextTokenCodec& codec) {
  ops.add("DescribeLogGroups",
          [reader, &codec](RequestContext& ctx, const Json& in) mutable -> StatusOr<Json> {
            logs::GroupQuery q;
            q.prefix = str(in, "logGroupNamePrefix");
            q.substring = str(in, "logGroupNamePattern");
            if (in.contains("logGroupNamePrefix") && in.contains("logGroupNamePattern")) {
              return invalid_parameter(
                  "LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive");
            }
            if (in.contains("logGroupIdentifiers")) {
              return invalid_parameter(
                  "logGroupIdentifiers is not supported by Mortar; use logGroupNamePrefix");
            }
            q.limit = static_cast<int>(opt_int(in, "limit").value_or(50));
            const std::string fp = fingerprint(ctx, {q.prefix, q.substring});
            if (auto token = opt_str(in, "nextToken")) {
              MORTAR_ASSIGN_OR_RETURN(Json pos, codec.decode("DescribeLogGroups", fp, *token));
              q.after = pos.value("after", "");
            }
            Json out = {{"logGroups", Json::array()}};
            // Mortar's groups are all STANDARD.
            if (str(in, "logGroupClass").empty() || str(in, "logGroupClass") == "STANDARD") {
              MORTAR_ASSIGN_OR_RETURN(auto groups, reader.list_groups(ctx.account_id, q));
              for (size_t i = 0; i < groups.size() && static_cast<int>(i) < q.limit; ++i) {
                out["logGroups"].push_back(group_json(ctx, groups[i]));
              }
              if (static_cast<int>(groups.size()) > q.limit) {
                out["nextToken"] = codec.encode("DescribeLogGroups", fp,
                                                {{"after", groups[q.limit - 1].group.name}});
              }
            }
            return out;
          });
}

void describe_log_streams(OperationRegistry& ops, logs::LogReader reader,
                          const NextTokenCodec& codec) {
  ops.add(
      "DescribeLogStreams",
      [reader, &codec](RequestContext& ctx, const Json& in) mutable -> StatusOr<Json> {
        MORTAR_ASSIGN_OR_RETURN(std::string group, group_of(ctx, in));
        logs::StreamQuery q;
        q.prefix = str(in, "logStreamNamePrefix");
        q.by_last_event = str(in, "orderBy") == "LastEventTime";
        q.descending = opt_bool(in, "descending", false);
        q.limit = static_cast<int>(opt_int(in, "limit").value_or(50));
        if (q.by_last_event && !q.prefix.empty()) {
          return invalid_parameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
        }
        const std::string fp = fingerprint(ctx, {group, q.prefix, q.by_last_event, q.descending});
        if (auto token = opt_str(in, "nextToken")) {
          MORTAR_ASSIGN_OR_RETURN(Json pos, codec.decode("DescribeLogStreams", fp, *token));
          q.after = std::make_pair(pos.value("time", int64_t{-1}), pos.value("name", ""));
        }
        MORTAR_ASSIGN_OR_RETURN(auto streams, reader.list_streams(ctx.account_id, group, q));
        Json out = {{"logStreams", Json::array()}};
        for (size_t i = 0; i < streams.size() && static_cast<int>(i) < q.limit; ++i) {
          out["logStreams"].push_back(stream_json(ctx, group, streams[i]));
        }
        if (static_cast<int>(streams.size()) > q.limit) {
          const logs::StreamRow& last = streams[q.limit - 1];
          out["nextToken"] =
              codec.encode("DescribeLogStreams", fp,
                           {{"time", last.last_event_ms.value_or(-1)}, {"name", last.name}});
        }
        return out;
      });
}

void get_log_events(OperationRegistry& ops, logs::LogReader reader, const NextTokenCodec& codec) {
  ops.add("GetLogEvents",
          [reader, &codec](RequestContext& ctx, const Json& in) mutable -> StatusOr<Json> {
            MORTAR_ASSIGN_OR_RETURN(std::string group, group_of(ctx, in));
            const std::string stream = str(in, "logStreamName");
            logs::ReadQuery q;
            q.start_ms = opt_int(in, "startTime");
            q.end_ms = opt_int(in, "endTime");
            q.from_head = opt_bool(in, "startFromHead", false);
            q.limit = static_cast<int>(opt_int(in, "limit").value_or(10000));
            // Tokens read "f/<opaque>" and "b/<opaque>" as CloudWatch's do.
            const std::string fp = fingerprint(ctx, {group, stream});
            if (auto token = opt_str(in, "nextToken")) {
              const bool forward = token->starts_with("f/");
              if (!forward && !token->starts_with("b/")) {
                return invalid_parameter("The specified nextToken is invalid.");
              }
              MORTAR_ASSIGN_OR_RETURN(Json pos, codec.decode("GetLogEvents", fp, token->substr(2)));
              if (pos.value("d", "") != (forward ? "f" : "b") || !pos.contains("seq")) {
                return invalid_parameter("The specified nextToken is invalid.");
              }
              (forward ? q.forward_from : q.backward_from) = pos["seq"].get<int64_t>();
            }
            MORTAR_ASSIGN_OR_RETURN(logs::ReadResult r,
                                    reader.read_stream(ctx.account_id, group, stream, q));
            Json out = {{"events", Json::array()}};
            for (const auto& e : r.events) {
              out["events"].push_back({{"timestamp", e.timestamp_ms},
                                       {"message", e.message},
                                       {"ingestionTime", e.ingestion_ms}});
            }
            out["nextForwardToken"] =
                "f/" + codec.encode("GetLogEvents", fp, {{"d", "f"}, {"seq", r.forward_seq}});
            out["nextBackwardToken"] =
                "b/" + codec.encode("GetLogEvents", fp, {{"d", "b"}, {"seq", r.backward_seq}});
            return out;
          });
}

void filter_log_events(OperationRegistry& ops, logs::LogReader reader,
                       const NextTokenCodec& codec) {
  ops.add(
      "FilterLogEvents",
      [reader, &codec](RequestContext& ctx, const Json& in) mutable -> StatusOr<Json> {
        MORTAR_ASSIGN_OR_RETURN(std::string group, group_of(ctx, in));
        logs::FilterQuery q;
        if (auto it = in.find("logStreamNames"); it != in.end()) {
          q.stream_names = it->get<std::vector<std::string>>();
        }
        q.stream_prefix = str(in, "logStreamNamePrefix");
        if (!q.stream_names.empty() && in.contains("logStreamNamePrefix")) {
          return invalid_parameter(
              "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
        }
        q.start_ms = opt_int(in, "startTime");
        q.end_ms = opt_int(in, "endTime");
        q.limit = static_cast<int>(opt_int(in, "limit").value_or(10000));
        const std::string pattern_text = str(in, "filterPattern");
        MORTAR_ASSIGN_OR_RETURN(logs::FilterPattern pattern,
                                logs::FilterPattern::parse(pattern_text));
        if (!pattern.matches_everything()) q.pattern = &pattern;
        const std::string fp = fingerprint(
            ctx, {group, q.stream_names, q.stream_prefix, q.start_ms ? Json(*q.start_ms) : Json(),
                  q.end_ms ? Json(*q.end_ms) : Json(), pattern_text});
        if (auto token = opt_str(in, "nextToken")) {
          MORTAR_ASSIGN_OR_RETURN(Json pos, codec.decode("FilterLogEvents", fp, *token));
          if (!pos.is_array() || pos.size() != 3) {
            return invalid_parameter("The specified nextToken is invalid.");
          }
          q.after =
              std::make_tuple(pos[0].get<int64_t>(), pos[1].get<int64_t>(), pos[2].get<int64_t>());
        }
        MORTAR_ASSIGN_OR_RETURN(logs::FilterResult r, reader.filter(ctx.account_id, group, q));
        Json out = {{"events", Json::array()}};
        for (const auto& e : r.events) {
          out["events"].push_back({{"logStreamName", e.stream},
                                   {"timestamp", e.timestamp_ms},
                                   {"message", e.message},
                                   {"ingestionTime", e.ingestion_ms},
                                   {"eventId", e.event_id()}});
        }
        if (r.resume_after) {
          const auto& [t, s, seq] = *r.resume_after;
          out["nextToken"] = codec.encode("FilterLogEvents", fp, Json::array({t, s, seq}));
        }
        return out;
      });
}

void group_admin(OperationRegistry& ops, logs::LogStore& log_store) {
  ops.add("CreateLogGroup", [&log_store](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    if (in.contains("kmsKeyId")) return invalid_parameter("kmsKeyId is not supported by Mortar");
    if (in.contains("tags"))
      return invalid_parameter("tags are not supported by Mortar's log groups");
    if (!str(in, "logGroupClass").empty() && str(in, "logGroupClass") != "STANDARD") {
      return invalid_parameter("Mortar's log groups are all of class STANDARD");
    }
    MORTAR_RETURN_IF_ERROR(log_store.create_group(ctx.account_id, str(in, "logGroupName")));
    return Json::object();
  });
  ops.add("DeleteLogGroup", [&log_store](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    log_store.flush();  // nothing queued for the group may recreate it afterwards
    MORTAR_RETURN_IF_ERROR(log_store.delete_group(ctx.account_id, str(in, "logGroupName")));
    return Json::object();
  });
  ops.add("PutRetentionPolicy",
          [&log_store](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
            int days = static_cast<int>(opt_int(in, "retentionInDays").value_or(0));
            MORTAR_RETURN_IF_ERROR(
                log_store.put_retention(ctx.account_id, str(in, "logGroupName"), days));
            return Json::object();
          });
  ops.add("CreateLogStream", [&log_store](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(
        log_store.create_stream(ctx.account_id, str(in, "logGroupName"), str(in, "logStreamName")));
    return Json::object();
  });
  ops.add("PutLogEvents", [&log_store](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    if (in.contains("entity")) return invalid_parameter("entity is not supported by Mortar");
    std::vector<logs::LogEvent> events;
    int64_t previous = INT64_MIN;
    for (const Json& e : in["logEvents"]) {
      const int64_t t = e.value("timestamp", int64_t{0});
      if (t < previous) {
        return invalid_parameter(
            "Log events in a single PutLogEvents request must be in chronological order.");
      }
      previous = t;
      events.push_back({t, e.value("message", "")});
    }
    MORTAR_RETURN_IF_ERROR(log_store.put_events(ctx.account_id, str(in, "logGroupName"),
                                                str(in, "logStreamName"), std::move(events)));
    return Json::object();
  });
  ops.add("DeleteRetentionPolicy",
          [&log_store](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
            MORTAR_RETURN_IF_ERROR(
                log_store.put_retention(ctx.account_id, str(in, "logGroupName"), std::nullopt));
            return Json::object();
          });
}

}  // namespace

void register_logs_operations(OperationRegistry& ops, logs::LogStore& log_store,
                              store::Store& store, const NextTokenCodec& codec) {
  logs::LogReader reader(store);
  describe_log_groups(ops, reader, codec);
  describe_log_streams(ops, reader, codec);
  get_log_events(ops, reader, codec);
  filter_log_events(ops, reader, codec);
  group_admin(ops, log_store);
}

}  // namespace mortar::api
