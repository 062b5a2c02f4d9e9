#include "common/status.h"

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace mortar {
namespace {
constexpr std::string_view kGlueErrorUrl = "mortar/glue-exception";
}

Status glue_error(absl::StatusCode code, std::string_view exception_name, std::string_view msg) {
  Status s(code, to_absl(msg));
  s.SetPayload(to_absl(kGlueErrorUrl), absl::Cord(to_absl(exception_name)));
  return s;
}

std::optional<std::string> glue_error_name(const Status& status) {
  auto payload = status.GetPayload(to_absl(kGlueErrorUrl));
  if (!payload) return std::nullopt;
  return std::string(*payload);
}

Status annotate(const Status& status, std::string_view context) {
  if (status.ok()) return status;
  const absl::string_view msg = status.message();
  const absl::string_view ctx = to_absl(context);
  if (!ctx.empty() && msg.size() > ctx.size() + 1 && absl::StartsWith(msg, ctx) &&
      msg.substr(ctx.size(), 2) == ": ") {
    return status;
  }
  Status out(status.code(), absl::StrCat(to_absl(context), ": ", status.message()));
  status.ForEachPayload(
      [&](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  return out;
}

}  // namespace mortar
