// One page of a listing call. Services page by keyset: `next` is the opaque
// position to resume after (passed back as the next call's `after`), null on
// the last page; api/ wraps it into a NextToken.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

namespace mortar {

struct Page {
  std::vector<nlohmann::json> items;
  nlohmann::json next;  // null on the last page, else the position to resume after
};

}  // namespace mortar
