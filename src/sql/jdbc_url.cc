#include "sql/jdbc_url.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <vector>

#include "common/ascii.h"
#include "common/percent_encoding.h"

namespace mortar::sql {

namespace {

constexpr std::string_view kPostgresPrefix = "jdbc:postgresql:";
constexpr std::string_view kSqlitePrefix = "jdbc:sqlite:";

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && ascii_lower(s.substr(0, prefix.size())) == prefix;
}

// PgJDBC parameter names (case-insensitive) -> libpq keywords. Parameters
// libpq has no equivalent for (prepareThreshold, loggerLevel ...) are ignored,
// as they only tune the Java driver.
std::string libpq_keyword(const std::string& jdbc_key) {
  static const std::map<std::string, std::string> kNames = {
      {"sslmode", "sslmode"},
      {"sslcert", "sslcert"},
      {"sslkey", "sslkey"},
      {"sslrootcert", "sslrootcert"},
      {"sslpassword", "sslpassword"},
      {"connecttimeout", "connect_timeout"},
      {"connect_timeout", "connect_timeout"},
      {"applicationname", "application_name"},
      {"application_name", "application_name"},
      {"user", "user"},
      {"password", "password"},
      {"options", "options"},
      {"currentschema", "options"},
      {"gssencmode", "gssencmode"},
      {"target_session_attrs", "target_session_attrs"},
      {"targetservertype", "target_session_attrs"},
  };
  auto it = kNames.find(ascii_lower(jdbc_key));
  return it == kNames.end() ? "" : it->second;
}

Status parse_query(std::string_view query, JdbcUrl& url) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key = percent_decode(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1));
    const std::string lkey = ascii_lower(key);
    if (lkey == "ssl") {
      // PgJDBC's ssl=true means "encrypt and verify"; libpq's closest is require
      // unless sslmode says more.
      if (ascii_lower(value) == "true" && !url.options.count("sslmode"))
        url.options["sslmode"] = "require";
      continue;
    }
    if (lkey == "currentschema") {
      url.options["options"] = "-c search_path=" + value;
      continue;
    }
    if (lkey == "sslmode") {
      // PgJDBC accepts the same mode names as libpq.
      static const char* kModes[] = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"};
      bool known = false;
      for (const char* m : kModes) known = known || ascii_lower(value) == m;
      if (!known)
        return invalid_input(fmt::format(
            "JDBC_CONNECTION_URL: unknown sslmode '{}' (disable, allow, prefer, require, "
            "verify-ca or verify-full)", value));
      url.options["sslmode"] = ascii_lower(value);
      continue;
    }
    std::string keyword = libpq_keyword(key);
    if (!keyword.empty()) url.options[keyword] = value;
  }
  return ok_status();
}

StatusOr<JdbcUrl> parse_postgres(std::string_view rest) {
  JdbcUrl url;
  url.engine = Engine::kPostgres;
  if (rest.substr(0, 2) != "//")
    return invalid_input("JDBC_CONNECTION_URL must look like jdbc:postgresql://host:port/database");
  rest.remove_prefix(2);
  size_t q = rest.find('?');
  std::string_view query = q == std::string_view::npos ? std::string_view() : rest.substr(q + 1);
  rest = rest.substr(0, q);
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) url.database = percent_decode(rest.substr(slash + 1));
  if (url.database.find('/') != std::string::npos)
    return invalid_input(fmt::format("JDBC_CONNECTION_URL: database name '{}' contains '/'", url.database));
  if (authority.find(',') != std::string_view::npos)
    return invalid_input("JDBC_CONNECTION_URL: several hosts are not supported; give one host:port");
  if (authority.find('@') != std::string_view::npos)
    return invalid_input("JDBC_CONNECTION_URL: put credentials in USERNAME/PASSWORD, not user@host");
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return invalid_input("JDBC_CONNECTION_URL: unclosed '[' in host");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return invalid_input("JDBC_CONNECTION_URL: expected ':' after ']'");
      port = after.substr(1);
    }
  } else {
    size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
  }
  url.host = std::string(host);
  if (!port.empty()) {
    int value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value <= 0 || value > 65535)
      return invalid_input(fmt::format("JDBC_CONNECTION_URL: bad port '{}'", port));
    url.port = value;
  }
  MORTAR_RETURN_IF_ERROR(parse_query(query, url));
  return url;
}

StatusOr<JdbcUrl> parse_sqlite(std::string_view rest) {
  JdbcUrl url;
  url.engine = Engine::kSqlite;
  // Accept jdbc:sqlite:/p, jdbc:sqlite:file:/p and jdbc:sqlite:file:///p; a
  // query string (SQLite JDBC driver options) is ignored.
  rest = rest.substr(0, rest.find('?'));
  if (rest.substr(0, 7) == "file://") rest.remove_prefix(7);
  else if (rest.substr(0, 5) == "file:") rest.remove_prefix(5);
  std::string path = percent_decode(rest);
  if (path.empty() || path == ":memory:")
    return invalid_input("JDBC_CONNECTION_URL: jdbc:sqlite: needs the absolute path of a database file");
  if (path.front() != '/')
    return invalid_input(fmt::format(
        "JDBC_CONNECTION_URL: the SQLite path '{}' must be absolute (jdbc:sqlite:/path/file.db)", path));
  url.path = std::move(path);
  return url;
}

}  // namespace

std::string scrub(std::string message, const std::string& secret) {
  // Very short secrets would mask ordinary words; drivers never echo them anyway.
  if (secret.size() < 3) return message;
  size_t pos = 0;
  while ((pos = message.find(secret, pos)) != std::string::npos) {
    message.replace(pos, secret.size(), "****");
    pos += 4;
  }
  return message;
}

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

StatusOr<std::string> quote_table_name(std::string_view dbtable, bool fold_lower) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < dbtable.size() && std::isspace(static_cast<unsigned char>(dbtable[i]))) ++i;
  std::string cur;
  bool have = false;
  while (i <= dbtable.size()) {
    if (i == dbtable.size() || dbtable[i] == '.') {
      while (!cur.empty() && std::isspace(static_cast<unsigned char>(cur.back()))) cur.pop_back();
      if (cur.empty() && !have)
        return invalid_input(fmt::format("dbtable '{}': empty name part", dbtable));
      parts.push_back(quote_identifier(cur));
      cur.clear();
      have = false;
      ++i;
      continue;
    }
    if (dbtable[i] == '"') {
      // A quoted part: "" is a literal quote; case is kept.
      ++i;
      bool closed = false;
      while (i < dbtable.size()) {
        if (dbtable[i] == '"') {
          if (i + 1 < dbtable.size() && dbtable[i + 1] == '"') {
            cur += '"';
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        cur += dbtable[i++];
      }
      if (!closed) return invalid_input(fmt::format("dbtable '{}': unclosed '\"'", dbtable));
      have = true;
      continue;
    }
    char c = dbtable[i++];
    cur += fold_lower ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
  }
  if (parts.size() > 3) return invalid_input(fmt::format("dbtable '{}': too many '.' parts", dbtable));
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ".") + p;
  return out;
}

StatusOr<JdbcUrl> parse_jdbc_url(std::string_view url) {
  while (!url.empty() && std::isspace(static_cast<unsigned char>(url.back()))) url.remove_suffix(1);
  while (!url.empty() && std::isspace(static_cast<unsigned char>(url.front()))) url.remove_prefix(1);
  if (starts_with_nocase(url, kPostgresPrefix)) return parse_postgres(url.substr(kPostgresPrefix.size()));
  if (starts_with_nocase(url, kSqlitePrefix)) return parse_sqlite(url.substr(kSqlitePrefix.size()));
  if (url.empty()) return invalid_input("JDBC_CONNECTION_URL is missing");
  // Name only "jdbc:<subprotocol>:": the rest may hold credentials
  // (jdbc:oracle:thin:user/pw@host).
  size_t first = url.find(':');
  size_t second = first == std::string_view::npos ? first : url.find(':', first + 1);
  if (second == std::string_view::npos)
    return invalid_input("JDBC_CONNECTION_URL is not a JDBC URL: use jdbc:postgresql:// or jdbc:sqlite:");
  return invalid_input(fmt::format(
      "JDBC_CONNECTION_URL '{}...': only jdbc:postgresql:// and jdbc:sqlite: are supported",
      url.substr(0, second + 1)));
}

}  // namespace mortar::sql
