#include "server/data_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <openssl/rand.h>

namespace mortar::server {
namespace {

constexpr const char* kTokenKey = "token.key";
constexpr const char* kDefaultAccount = "default_account_id";
constexpr const char* kCredentials = "credentials";
constexpr const char* kServerAddr = "server.addr";

Status errno_error(const std::string& what) {
  return internal_error(what + ": " + std::strerror(errno));
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::string random_hex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    std::abort();  // no entropy: never hand out predictable secrets
  }
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char c : raw) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

Status write_file_atomically(const std::string& path, std::string_view contents, mode_t mode) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return errno_error("cannot create " + tmp);
  ::fchmod(fd, mode);  // the umask may have narrowed or the file existed
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = errno_error("cannot write " + tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return s;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return errno_error("cannot write " + tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = errno_error("cannot rename " + tmp + " to " + path);
    ::unlink(tmp.c_str());
    return s;
  }
  return ok_status();
}

StatusOr<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status DataDir::ensure_exists() const {
  std::error_code ec;
  if (std::filesystem::is_directory(root_, ec)) return ok_status();
  std::filesystem::create_directories(root_, ec);
  if (ec) return internal_error("cannot create data dir " + root_ + ": " + ec.message());
  if (::chmod(root_.c_str(), 0700) != 0) return errno_error("cannot chmod " + root_);
  return ok_status();
}

StatusOr<std::string> DataDir::token_key() const {
  const std::string path = file(kTokenKey);
  if (std::filesystem::exists(path)) {
    MORTAR_ASSIGN_OR_RETURN(std::string key, read_file(path));
    key = trim(std::move(key));
    if (key.size() < 32) return invalid_input(path + " is too short to be a token key");
    return key;
  }
  std::string key = random_hex(32);
  MORTAR_RETURN_IF_ERROR(write_file_atomically(path, key + "\n", 0600));
  return key;
}

StatusOr<std::string> DataDir::instance_id() const {
  const std::string path = file("server.id");
  if (std::filesystem::exists(path)) {
    MORTAR_ASSIGN_OR_RETURN(std::string id, read_file(path));
    id = trim(std::move(id));
    if (!id.empty()) return id;
  }
  std::string id = random_hex(8);
  MORTAR_RETURN_IF_ERROR(write_file_atomically(path, id + "\n", 0600));
  return id;
}

StatusOr<std::optional<std::string>> DataDir::default_account_id() const {
  const std::string path = file(kDefaultAccount);
  if (!std::filesystem::exists(path)) return std::optional<std::string>();
  MORTAR_ASSIGN_OR_RETURN(std::string id, read_file(path));
  id = trim(std::move(id));
  if (id.size() != 12 || id.find_first_not_of("0123456789") != std::string::npos) {
    return invalid_input(path + " does not hold a 12-digit account id");
  }
  return std::optional<std::string>(id);
}

Status DataDir::set_default_account_id(const std::string& account_id) const {
  return write_file_atomically(file(kDefaultAccount), account_id + "\n", 0600);
}

bool DataDir::has_credentials() const { return std::filesystem::exists(file(kCredentials)); }

Status DataDir::write_credentials(const std::string& access_key_id,
                                  const std::string& secret) const {
  return write_file_atomically(file(kCredentials),
                               "[default]\naws_access_key_id = " + access_key_id +
                                   "\naws_secret_access_key = " + secret + "\n",
                               0600);
}

Status DataDir::write_server_addr(const std::string& address) const {
  return write_file_atomically(file(kServerAddr), address, 0644);  // no newline: read as-is
}

void DataDir::remove_server_addr() const { ::unlink(file(kServerAddr).c_str()); }

}  // namespace mortar::server
