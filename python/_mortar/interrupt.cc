#include "interrupt.h"

#include <signal.h>

namespace mortar::python {

namespace {

// Guarded by the GIL (guards are made and destroyed holding it).
int g_depth = 0;
struct sigaction g_previous;

void on_sigint(int sig) {
  engine::request_interrupt();
  // Then what was there before: Python's handler marks the signal for the
  // interpreter; a script that set SIG_DFL gets the default (exit).
  if (g_previous.sa_flags & SA_SIGINFO) {
    g_previous.sa_sigaction(sig, nullptr, nullptr);
  } else if (g_previous.sa_handler == SIG_DFL) {
    ::signal(sig, SIG_DFL);
    ::raise(sig);
  } else if (g_previous.sa_handler != SIG_IGN) {
    g_previous.sa_handler(sig);
  }
}

}  // namespace

InterruptGuard::InterruptGuard() {
  if (g_depth++ > 0) return;
  engine::clear_interrupt();  // an earlier Ctrl-C the script caught is over
  struct sigaction current;
  if (::sigaction(SIGINT, nullptr, &current) != 0) return;
  if (!(current.sa_flags & SA_SIGINFO) && current.sa_handler == SIG_IGN) {
    g_previous = current;  // SIGINT ignored: leave it so
    return;
  }
  struct sigaction ours {};
  ours.sa_handler = on_sigint;
  sigemptyset(&ours.sa_mask);
  ours.sa_flags = SA_ONSTACK;
  g_previous = current;
  ::sigaction(SIGINT, &ours, nullptr);
}

InterruptGuard::~InterruptGuard() {
  if (--g_depth > 0) return;
  struct sigaction current;
  if (::sigaction(SIGINT, nullptr, &current) == 0 && !(current.sa_flags & SA_SIGINFO) &&
      current.sa_handler == on_sigint)
    ::sigaction(SIGINT, &g_previous, nullptr);
}

void raise_if_interrupted() {
  if (!engine::interrupt_requested()) return;
  if (PyErr_CheckSignals() < 0) throw pybind11::error_already_set();
}

}  // namespace mortar::python
