// Status and StatusOr across module boundaries (abseil's), plus the Glue
// exception name an error should surface as.
//
// Most errors map from their canonical code (see common/glue_errors.h): NotFound ->
// EntityNotFoundException, AlreadyExists -> AlreadyExistsException,
// InvalidArgument -> InvalidInputException, Aborted ->
// ConcurrentModificationException, ResourceExhausted ->
// ResourceNumberLimitExceededException, PermissionDenied ->
// AccessDeniedException, Unimplemented -> UnknownOperationException, anything
// else -> InternalServiceException. Where Glue uses a more specific name
// (CrawlerRunningException, ...) attach it with glue_error().
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace mortar {

using Status = absl::Status;
template <typename T>
using StatusOr = absl::StatusOr<T>;

// Debian's abseil has its own string_view type (absl::string_view is not
// std::string_view there): convert explicitly at the boundary. Read messages
// with status_message(s), which returns a std::string_view.
inline absl::string_view to_absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view status_message(const absl::Status& s) {
  return std::string_view(s.message().data(), s.message().size());
}

inline Status ok_status() { return absl::OkStatus(); }
inline Status invalid_input(std::string_view msg) { return absl::InvalidArgumentError(to_absl(msg)); }
inline Status not_found(std::string_view msg) { return absl::NotFoundError(to_absl(msg)); }
inline Status already_exists(std::string_view msg) { return absl::AlreadyExistsError(to_absl(msg)); }
inline Status concurrent_modification(std::string_view msg) { return absl::AbortedError(to_absl(msg)); }
inline Status limit_exceeded(std::string_view msg) { return absl::ResourceExhaustedError(to_absl(msg)); }
inline Status access_denied(std::string_view msg) { return absl::PermissionDeniedError(to_absl(msg)); }
inline Status internal_error(std::string_view msg) { return absl::InternalError(to_absl(msg)); }
inline Status unimplemented(std::string_view msg) { return absl::UnimplementedError(to_absl(msg)); }

// An error with an explicit Glue exception name, e.g.
// glue_error(absl::StatusCode::kFailedPrecondition, "CrawlerRunningException", "...").
Status glue_error(absl::StatusCode code, std::string_view exception_name, std::string_view msg);

// The explicit Glue exception name attached by glue_error(), if any.
std::optional<std::string> glue_error_name(const Status& status);

// Prefixes the message with context ("reading x.parquet: " + msg), keeping code and payloads.
// A message that already starts with "<context>: " is left as it is, so layers
// that each name the file do not repeat it.
Status annotate(const Status& status, std::string_view context);

}  // namespace mortar

#define MORTAR_STATUS_CONCAT_INNER(a, b) a##b
#define MORTAR_STATUS_CONCAT(a, b) MORTAR_STATUS_CONCAT_INNER(a, b)

#define MORTAR_RETURN_IF_ERROR(expr)              \
  do {                                            \
    ::mortar::Status _mortar_status = (expr);     \
    if (!_mortar_status.ok()) return _mortar_status; \
  } while (0)

#define MORTAR_ASSIGN_OR_RETURN(lhs, expr) \
  MORTAR_ASSIGN_OR_RETURN_IMPL(MORTAR_STATUS_CONCAT(_mortar_statusor_, __LINE__), lhs, expr)

#define MORTAR_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
