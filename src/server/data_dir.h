// The files Mortar keeps in its data directory (besides catalog.db):
//   mortar.toml         configuration (optional, written by the user)
//   token.key           NextToken HMAC secret, random, 0600
//   default_account_id  the default account, chosen on first start
//   credentials         the admin access key, aws credentials-file format, 0600
//   server.addr         "HOST:PORT" while `mortar serve` is listening
//   server.lock         held by the one `mortar serve` on this dir (data_dir_lock.h)
// The directory itself is created 0700: it holds secrets.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mortar::server {

class DataDir {
 public:
  explicit DataDir(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  std::string file(std::string_view name) const { return root_ + "/" + std::string(name); }

  // Creates the directory (and parents) with mode 0700 if it is missing.
  Status ensure_exists() const;

  // The NextToken secret; created (random) on first use.
  StatusOr<std::string> token_key() const;
  // A random id naming this data dir's server across restarts (server.id,
  // made on first use): a restarted server knows its previous process's crawls.
  StatusOr<std::string> instance_id() const;

  // The remembered default account id, if any.
  StatusOr<std::optional<std::string>> default_account_id() const;
  Status set_default_account_id(const std::string& account_id) const;

  bool has_credentials() const;
  Status write_credentials(const std::string& access_key_id, const std::string& secret) const;

  Status write_server_addr(const std::string& address) const;
  void remove_server_addr() const;

 private:
  std::string root_;
};

// Writes a whole file atomically (temp file + rename) with the given mode.
Status write_file_atomically(const std::string& path, std::string_view contents, mode_t mode);
StatusOr<std::string> read_file(const std::string& path);

// Cryptographically random bytes as lower-case hex.
std::string random_hex(size_t bytes);

}  // namespace mortar::server
