// Migrations of the "catalog" store component (see schema.cc for the tables).
#pragma once

#include <vector>

#include "store/store.h"

namespace mortar::catalog {

const std::vector<store::Migration>& catalog_migrations();

}  // namespace mortar::catalog
