// A Store decorator that times every store call into Metrics (the
// mortar_store_duration_seconds histogram). Costs two clock reads per call.
// Thread-safety: as the wrapped Store.
#pragma once

#include <memory>

#include "server/metrics.h"
#include "store/store.h"

namespace mortar::server {

class TimedStore : public store::Store {
 public:
  TimedStore(std::unique_ptr<store::Store> inner, Metrics& metrics)
      : inner_(std::move(inner)), metrics_(metrics) {}

  StatusOr<std::unique_ptr<store::Transaction>> begin(bool write) override;
  StatusOr<std::vector<store::Row>> read_one(std::string_view sql,
                                             const std::vector<store::Value>& params) override;
  Status migrate(std::string_view component,
                 const std::vector<store::Migration>& migrations) override {
    return inner_->migrate(component, migrations);
  }
  std::string_view dialect() const override { return inner_->dialect(); }
  bool shared() const override { return inner_->shared(); }
  StatusOr<std::unique_ptr<store::SessionLock>> try_lock(std::string_view name) override {
    return inner_->try_lock(name);
  }
  Status close() override { return inner_->close(); }

 private:
  std::unique_ptr<store::Store> inner_;
  Metrics& metrics_;
};

}  // namespace mortar::server
