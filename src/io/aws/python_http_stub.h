// Test helper (header only, included by *_test.cc): a small HTTP server in
// Python's standard library on loopback, for the tests of the HTTP clients.
// The caller supplies `class Handler(StubHandler)` with its do_GET ...; the
// prelude gives StubHandler (HTTP/1.1 keep-alive, quiet, reply()), the
// epilogue serves Handler on a free port and reports "<port> <pid>".
#pragma once

#include <signal.h>
#include <stdio.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace mortar::io::test_support {

inline constexpr char kStubPrelude[] = R"PY(
import http.server, json, os, re, sys, threading, time

class StubHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
)PY";

inline constexpr char kStubServe[] = R"PY(
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
server.handle_error = lambda *args: None  # clients that hang up on purpose are not news
print(server.server_address[1], os.getpid(), flush=True)
server.serve_forever()
)PY";

class PythonHttpStub {
 public:
  PythonHttpStub() = default;
  PythonHttpStub(const PythonHttpStub&) = delete;
  PythonHttpStub& operator=(const PythonHttpStub&) = delete;
  ~PythonHttpStub() { stop(); }

  // Writes <dir>/stub.py and starts `python3 stub.py <args>`; false when it
  // did not come up. The script sees `args` as sys.argv[1:].
  bool start(const std::filesystem::path& dir, std::string_view handler_code,
             const std::string& args = "") {
    std::ofstream(dir / "stub.py") << kStubPrelude << handler_code << kStubServe;
    pipe_ = popen(("python3 " + (dir / "stub.py").string() + " " + args).c_str(), "r");
    int port = 0;
    if (pipe_ == nullptr || fscanf(pipe_, "%d %d", &port, &pid_) != 2) return false;
    endpoint_ = "http://127.0.0.1:" + std::to_string(port);
    return true;
  }

  void stop() {
    if (pid_ > 0) kill(pid_, SIGTERM);
    if (pipe_) pclose(pipe_);
    pid_ = 0;
    pipe_ = nullptr;
  }

  // "http://127.0.0.1:<port>"
  const std::string& endpoint() const { return endpoint_; }

 private:
  FILE* pipe_ = nullptr;
  int pid_ = 0;
  std::string endpoint_;
};

}  // namespace mortar::io::test_support
