#include "api/accounts.h"

#include <re2/re2.h>

#include <algorithm>

#include "common/crypto.h"
#include "api/strings.h"

namespace mortar::api {
namespace {

const std::vector<store::Migration>& auth_migrations() {
  static const std::vector<store::Migration> kMigrations = {
      {1, "accounts and access keys",
       "CREATE TABLE accounts ("
       "  account_id TEXT PRIMARY KEY,"
       "  name TEXT NOT NULL,"
       "  created_at BIGINT NOT NULL);"
       "CREATE TABLE access_keys ("
       "  access_key_id TEXT PRIMARY KEY,"
       "  secret_access_key TEXT NOT NULL,"
       "  account_id TEXT NOT NULL REFERENCES accounts(account_id),"
       "  user_name TEXT NOT NULL,"
       "  active INTEGER NOT NULL DEFAULT 1,"
       "  created_at BIGINT NOT NULL);"
       "CREATE INDEX access_keys_by_account ON access_keys(account_id)"},
  };
  return kMigrations;
}

// Unbiased random characters from a 32-symbol alphabet (a subset of [A-Z0-9]).
std::string random_base32(size_t n) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string bytes = random_bytes(n);
  std::string out;
  for (char b : bytes) out += kAlphabet[static_cast<unsigned char>(b) & 31];
  return out;
}

std::string random_account_id() {
  std::string out;
  while (out.size() < 12) {
    for (unsigned char b : random_bytes(16)) {
      if (b >= 250) continue;  // keep digits uniform
      char d = char('0' + b % 10);
      if (out.empty() && d == '0') continue;  // no leading zero: some tools parse ids as numbers
      out += d;
      if (out.size() == 12) break;
    }
  }
  return out;
}

bool valid_account_id(const std::string& id) {
  return id.size() == 12 && std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

AccessKey key_from_row(const store::Row& r) {
  AccessKey k;
  k.access_key_id = r.text_at(0);
  k.secret_access_key = r.text_at(1);
  k.account_id = r.text_at(2);
  k.user_name = r.text_at(3);
  k.active = r.int_at(4) != 0;
  k.created_at = r.int_at(5);
  return k;
}

constexpr const char* kKeyColumns =
    "access_key_id, secret_access_key, account_id, user_name, active, created_at";

}  // namespace

AccountRegistry::AccountRegistry(store::Store& store, const Clock& clock)
    : store_(store), clock_(clock) {}

Status AccountRegistry::migrate(store::Store& store) {
  return store.migrate("auth", auth_migrations());
}

StatusOr<Account> AccountRegistry::create_account(const std::string& name,
                                                  const std::string& account_id) {
  if (name.empty() || name.size() > 255) {
    return invalid_input("account name must be 1 to 255 characters");
  }
  Account account{account_id.empty() ? random_account_id() : account_id, name,
                  clock_.now_seconds()};
  if (!valid_account_id(account.account_id)) {
    return invalid_input(str_cat("account id must be 12 digits, got '", account_id, "'"));
  }
  Status s = store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    return tx.exec("INSERT INTO accounts (account_id, name, created_at) VALUES (?, ?, ?)",
                   {account.account_id, account.name, account.created_at})
        .status();
  });
  if (absl::IsAlreadyExists(s)) {
    return already_exists(str_cat("account ", account.account_id, " already exists"));
  }
  MORTAR_RETURN_IF_ERROR(s);
  return account;
}

StatusOr<std::vector<Account>> AccountRegistry::list_accounts() {
  std::vector<Account> out;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto rows,
                            tx.query("SELECT account_id, name, created_at FROM accounts "
                                     "ORDER BY account_id"));
    for (const auto& r : rows) out.push_back(Account{r.text_at(0), r.text_at(1), r.int_at(2)});
    return ok_status();
  }));
  return out;
}

StatusOr<AccessKey> AccountRegistry::create_access_key(const std::string& account_id,
                                                       const std::string& user_name) {
  static const RE2 kUserName("[A-Za-z0-9+=,.@_-]{1,64}");
  if (!user_name.empty() && !RE2::FullMatch(user_name, kUserName)) {
    return invalid_input(str_cat("user name must be 1 to 64 of [A-Za-z0-9+=,.@_-], got '",
                                      user_name, "'"));
  }
  AccessKey key;
  key.access_key_id = "AKIA" + random_base32(16);
  // 30 random bytes are 40 base64 characters, the length of AWS secrets.
  key.secret_access_key = base64_encode(random_bytes(30));
  key.account_id = account_id;
  key.user_name = user_name;
  key.created_at = clock_.now_seconds();
  MORTAR_RETURN_IF_ERROR(store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT 1 FROM accounts WHERE account_id = ?",
                                                {account_id}));
    if (rows.empty()) return not_found(str_cat("account ", account_id, " does not exist"));
    return tx.exec(str_cat("INSERT INTO access_keys (", kKeyColumns,
                                ") VALUES (?, ?, ?, ?, 1, ?)"),
                   {key.access_key_id, key.secret_access_key, key.account_id, key.user_name,
                    key.created_at})
        .status();
  }));
  return key;
}

StatusOr<std::vector<AccessKey>> AccountRegistry::list_access_keys(const std::string& account_id) {
  std::vector<AccessKey> out;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    std::string sql = str_cat("SELECT ", kKeyColumns, " FROM access_keys");
    std::vector<store::Value> params;
    if (!account_id.empty()) {
      sql += " WHERE account_id = ?";
      params.push_back(account_id);
    }
    sql += " ORDER BY created_at, access_key_id";
    MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query(sql, params));
    for (const auto& r : rows) out.push_back(key_from_row(r));
    return ok_status();
  }));
  return out;
}

Status AccountRegistry::revoke_access_key(const std::string& access_key_id) {
  return store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(int64_t n, tx.exec("UPDATE access_keys SET active = 0 "
                                               "WHERE access_key_id = ?",
                                               {access_key_id}));
    if (n == 0) return not_found(str_cat("access key ", access_key_id, " does not exist"));
    return ok_status();
  });
}

StatusOr<AccessKey> AccountRegistry::find_active_key(const std::string& access_key_id) {
  // Every signed request: one statement, so read_one (one message on PostgreSQL).
  MORTAR_ASSIGN_OR_RETURN(auto rows,
                          store_.read_one(str_cat("SELECT ", kKeyColumns,
                                                  " FROM access_keys "
                                                  "WHERE access_key_id = ? AND active = 1"),
                                          {access_key_id}));
  if (rows.empty()) return not_found(str_cat("no active access key ", access_key_id));
  return key_from_row(rows[0]);
}

}  // namespace mortar::api
