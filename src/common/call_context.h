// Who is calling: the caller's identity and request, as every service that
// acts for a caller (catalog, crawlers, jobs ...) receives it from api/, and
// as the audit trail records it.
#pragma once

#include <string>

namespace mortar {

struct CallContext {
  std::string catalog_id;  // the 12-digit account id whose catalog is used
  std::string account_id;
  std::string principal;
  std::string request_id;
  std::string operation;  // "CreateTable", recorded in the audit trail
  std::string region = "us-east-1";
};

}  // namespace mortar
