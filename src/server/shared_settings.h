// Settings every server on one store must agree on, kept in the store's
// server_settings table rather than a data dir: the NextToken key (a token
// one server issued must page on another behind the same load balancer) and
// the default account. The first server to propose a value sets it; every
// other server reads that one.
#pragma once

#include <string>

#include "common/status.h"
#include "store/store.h"

namespace mortar::server {

// The "server" component's migrations.
Status migrate_shared_settings(store::Store& store);

// The stored value of `name`; `proposed` is stored first when there is none.
StatusOr<std::string> agree_on_setting(store::Store& store, const std::string& name,
                                       const std::string& proposed);

// The stored value of `name`, "" when there is none.
StatusOr<std::string> read_setting(store::Store& store, const std::string& name);

}  // namespace mortar::server
