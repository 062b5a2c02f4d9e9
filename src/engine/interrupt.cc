#include "engine/interrupt.h"

#include <atomic>

namespace mortar::engine {

namespace {
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "used from a signal handler");
}  // namespace

void request_interrupt() { g_interrupted.store(true, std::memory_order_relaxed); }

void clear_interrupt() { g_interrupted.store(false, std::memory_order_relaxed); }

bool interrupt_requested() { return g_interrupted.load(std::memory_order_relaxed); }

Status check_interrupt() {
  if (!interrupt_requested()) return ok_status();
  return absl::CancelledError("interrupted");
}

namespace {

class InterruptibleStream : public BatchStream {
 public:
  explicit InterruptibleStream(std::unique_ptr<BatchStream> input) : input_(std::move(input)) {}
  StatusOr<std::unique_ptr<types::RecordBatch>> next() override {
    MORTAR_RETURN_IF_ERROR(check_interrupt());
    return input_->next();
  }

 private:
  std::unique_ptr<BatchStream> input_;
};

}  // namespace

std::unique_ptr<BatchStream> interruptible(std::unique_ptr<BatchStream> stream) {
  return std::make_unique<InterruptibleStream>(std::move(stream));
}

}  // namespace mortar::engine
