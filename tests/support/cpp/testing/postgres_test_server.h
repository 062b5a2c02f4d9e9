// Test-only (mortar_testing, header-only): a throwaway PostgreSQL server for
// GoogleTest suites — initdb into a temp dir and pg_ctl start on a free
// loopback port (as the `postgres` user when the tests run as root: PostgreSQL
// refuses to run as root); psql for setup and checks. Stopped and removed by
// stop().
#pragma once

#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>

namespace mortar::test_support {

class PostgresTestServer {
 public:
  static constexpr const char* kPassword = "Pg-Test-Secret-77";

  // "" when running, else why not.
  std::string start() {
    const std::string initdb = find_bin("initdb"), pg_ctl = find_bin("pg_ctl"), psql = find_bin("psql");
    if (initdb.empty() || pg_ctl.empty() || psql.empty())
      return "PostgreSQL's initdb/pg_ctl/psql not found: install the Debian package `postgresql`";
    char tmpl[] = "/tmp/mortar_pgtest_XXXXXX";
    if (!mkdtemp(tmpl)) return "mkdtemp failed";
    dir_ = tmpl;
    if (geteuid() == 0) {
      passwd* pw = getpwnam("postgres");
      if (!pw) return "running as root without a `postgres` user: install the package `postgresql`";
      if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) return "chown failed";
      as_ = "runuser -u postgres -- ";
    }
    std::ofstream(dir_ + "/pw") << kPassword << "\n";
    if (!as_.empty()) run("chown postgres " + dir_ + "/pw");
    if (!run(fmt::format("{}{} -D {}/data -U postgres --pwfile={}/pw --auth-local=trust "
                         "--auth-host=scram-sha-256 -E UTF8 --locale=C --no-sync >{}/initdb.log 2>&1",
                         as_, initdb, dir_, dir_, dir_)))
      return "initdb failed, see " + dir_ + "/initdb.log";
    pg_ctl_ = pg_ctl;
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = free_port();
      if (run(fmt::format("{}{} -D {}/data -l {}/server.log -o '-p {} -c listen_addresses=127.0.0.1 -k {} "
                          "-c fsync=off -c full_page_writes=off' -w -t 60 start >/dev/null 2>&1",
                          as_, pg_ctl, dir_, dir_, port_, dir_))) {
        started_ = true;
        psql_ = fmt::format("{}{} -h {} -p {} -U postgres -X -q -A -t -v ON_ERROR_STOP=1", as_, psql, dir_, port_);
        return "";
      }
    }
    return "pg_ctl start failed, see " + dir_ + "/server.log";
  }

  void stop() {
    if (started_) run(fmt::format("{}{} -D {}/data -m fast -w stop >/dev/null 2>&1", as_, pg_ctl_, dir_));
    started_ = false;
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    dir_.clear();
  }

  // Runs SQL through psql as the superuser; true on success.
  bool sql(const std::string& db, const std::string& statements) const {
    const std::string file = dir_ + "/stmt.sql";
    std::ofstream(file) << statements;
    if (!as_.empty()) run("chown postgres " + file);
    return run(fmt::format("{} -d {} -f {} >/dev/null", psql_, db, file));
  }
  // psql's unaligned, tuples-only output of one query ("" on failure).
  std::string query(const std::string& db, const std::string& statement) const {
    const std::string file = dir_ + "/query.sql";
    std::ofstream(file) << statement;
    if (!as_.empty()) run("chown postgres " + file);
    std::string out;
    FILE* p = popen(fmt::format("{} -d {} -f {} 2>/dev/null", psql_, db, file).c_str(), "r");
    if (!p) return out;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    pclose(p);
    return out;
  }

  int port() const { return port_; }
  std::string jdbc_url(const std::string& db) const {
    return fmt::format("jdbc:postgresql://127.0.0.1:{}/{}", port_, db);
  }

 private:
  static bool run(const std::string& cmd) { return std::system(cmd.c_str()) == 0; }
  static std::string find_bin(const std::string& name) {
    for (const char* dir : {"/usr/local/bin", "/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin",
                            "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/14/bin"}) {
      std::string p = std::string(dir) + "/" + name;
      if (access(p.c_str(), X_OK) == 0) return p;
    }
    return "";
  }
  static int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    return ntohs(addr.sin_port);
  }

  std::string dir_, as_, psql_, pg_ctl_;
  int port_ = 0;
  bool started_ = false;
};

}  // namespace mortar::test_support
