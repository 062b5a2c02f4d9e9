#include "server/config.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace mortar::server {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mortar-config-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    sources_.flags["data_dir"] = dir_;
    sources_.env = [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void write_toml(const std::string& text) { std::ofstream(dir_ + "/mortar.toml") << text; }

  std::string dir_;
  std::map<std::string, std::string> env_;
  ConfigSources sources_;
};

TEST_F(ConfigTest, DefaultsWhenNothingIsSet) {
  auto c = load_config(sources_);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->listen, "127.0.0.1:8787");
  EXPECT_EQ(c->host, "127.0.0.1");
  EXPECT_EQ(c->port, 8787);
  EXPECT_EQ(c->auth_mode, "sigv4");
  EXPECT_EQ(c->max_body_bytes, 10 * 1024 * 1024);
  EXPECT_EQ(c->log_format, "text");
  EXPECT_EQ(c->default_account_id, "");
  EXPECT_EQ(c->origin.at("listen"), "default");
}

TEST_F(ConfigTest, DataDirDefaultsToDotMortar) {
  ConfigSources none;
  none.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto c = load_config(none);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->data_dir, "./.mortar");
}

TEST_F(ConfigTest, FlagBeatsEnvBeatsTomlBeatsDefault) {
  write_toml(
      "listen = \"127.0.0.1:1111\"\n"
      "region = \"eu-west-1\"\n"
      "threads = 3\n"
      "[auth]\nmode = \"open\"\n"
      "[log]\nformat = \"json\"\n");
  env_["MORTAR_LISTEN"] = "127.0.0.1:2222";
  env_["MORTAR_REGION"] = "ap-south-1";
  env_["MORTAR_MAX_BODY_BYTES"] = "2048";
  sources_.flags["listen"] = "127.0.0.1:3333";

  auto c = load_config(sources_);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->listen, "127.0.0.1:3333");  // flag over env over toml
  EXPECT_EQ(c->port, 3333);
  EXPECT_EQ(c->origin.at("listen"), "flag");
  EXPECT_EQ(c->region, "ap-south-1");  // env over toml
  EXPECT_EQ(c->origin.at("region"), "env");
  EXPECT_EQ(c->max_body_bytes, 2048);  // env over default
  EXPECT_EQ(c->threads, 3);            // toml over default
  EXPECT_EQ(c->origin.at("threads"), "toml");
  EXPECT_EQ(c->auth_mode, "open");  // nested toml table [auth] mode
  EXPECT_EQ(c->log_format, "json");
  EXPECT_EQ(c->log_level, "info");  // default
  EXPECT_EQ(c->origin.at("log.level"), "default");
}

TEST_F(ConfigTest, DataDirFromEnvSelectsWhichTomlIsRead) {
  sources_.flags.erase("data_dir");
  env_["MORTAR_DATA_DIR"] = dir_;
  write_toml("region = \"us-west-2\"\n");
  auto c = load_config(sources_);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->data_dir, dir_);
  EXPECT_EQ(c->region, "us-west-2");
}

TEST_F(ConfigTest, SigningRegionsAreTheRegionPlusAuthRegions) {
  auto plain = load_config(sources_);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->regions, std::vector<std::string>{"us-east-1"});

  write_toml("region = \"eu-west-1\"\n[auth]\nregions = [\"us-east-1\", \"eu-west-1\"]\n");
  auto from_toml = load_config(sources_);
  ASSERT_TRUE(from_toml.ok()) << from_toml.status();
  EXPECT_EQ(from_toml->regions, (std::vector<std::string>{"eu-west-1", "us-east-1"}));

  env_["MORTAR_AUTH_REGIONS"] = "ap-south-1, us-west-2";
  auto from_env = load_config(sources_);
  ASSERT_TRUE(from_env.ok()) << from_env.status();
  EXPECT_EQ(from_env->regions, (std::vector<std::string>{"eu-west-1", "ap-south-1", "us-west-2"}));

  env_["MORTAR_AUTH_REGIONS"] = "us-west-2,,Not A Region";
  auto bad = load_config(sources_);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().ToString().find("auth.regions"), std::string::npos) << bad.status();
  EXPECT_NE(bad.status().ToString().find("(from env)"), std::string::npos) << bad.status();
}

TEST_F(ConfigTest, EveryKeyHasAnEnvVarAndAFlag) {
  for (const ConfigKey& key : config_keys()) {
    std::string env = key.env_name();
    std::string flag = key.flag_name();
    EXPECT_EQ(env.rfind("MORTAR_", 0), 0u) << key.key;
    EXPECT_EQ(flag.rfind("--", 0), 0u) << key.key;
    EXPECT_EQ(env.find('.'), std::string::npos) << key.key;
  }
  ConfigKey auth{"auth.mode", ""};
  EXPECT_EQ(auth.env_name(), "MORTAR_AUTH_MODE");
  EXPECT_EQ(auth.flag_name(), "--auth-mode");
  ConfigKey account{"default_account_id", ""};
  EXPECT_EQ(account.env_name(), "MORTAR_DEFAULT_ACCOUNT_ID");
  EXPECT_EQ(account.flag_name(), "--default-account-id");
}

TEST_F(ConfigTest, EveryKeyCanBeSetThroughTheEnvironment) {
  env_["MORTAR_AUTH_MODE"] = "open";
  env_["MORTAR_DEFAULT_ACCOUNT_ID"] = "123456789012";
  env_["MORTAR_THREADS"] = "4";
  env_["MORTAR_HTTP_IDLE_TIMEOUT_SECONDS"] = "5";
  env_["MORTAR_LOG_LEVEL"] = "warn";
  auto c = load_config(sources_);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->auth_mode, "open");
  EXPECT_EQ(c->default_account_id, "123456789012");
  EXPECT_EQ(c->threads, 4);
  EXPECT_EQ(c->idle_timeout_seconds, 5);
  EXPECT_EQ(c->log_level, "warn");
}

TEST_F(ConfigTest, BadValuesAreClearErrors) {
  struct Case {
    const char* env;
    const char* value;
    const char* expect;
  } cases[] = {
      {"MORTAR_AUTH_MODE", "none", "auth.mode must be one of sigv4, open"},
      {"MORTAR_DEFAULT_ACCOUNT_ID", "12345", "default_account_id must be 12 digits"},
      {"MORTAR_LISTEN", "localhost", "listen must be HOST:PORT"},
      {"MORTAR_LISTEN", "127.0.0.1:99999", "listen port must be 0..65535"},
      {"MORTAR_THREADS", "many", "MORTAR_THREADS: expected an integer"},
      {"MORTAR_MAX_BODY_BYTES", "10", "max_body_bytes must be between"},
      {"MORTAR_LOG_FORMAT", "xml", "log.format must be one of text, json"},
      {"MORTAR_AUDIT_MAX_ROWS", "-1", "audit.max_rows must be between 0 and"},
      {"MORTAR_AUDIT_RETENTION_DAYS", "99999", "audit.retention_days must be between 0 and"},
      {"MORTAR_CATALOG_PARTITION_CACHE_MB", "-5", "catalog.partition_cache_mb must be between"},
  };
  for (const auto& tc : cases) {
    env_.clear();
    env_[tc.env] = tc.value;
    auto c = load_config(sources_);
    ASSERT_FALSE(c.ok()) << tc.env << "=" << tc.value;
    EXPECT_NE(c.status().message().find(tc.expect), std::string::npos) << c.status();
  }
}

TEST_F(ConfigTest, RetentionAndCacheBoundsFromToml) {
  auto defaults = load_config(sources_);
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_EQ(defaults->audit_retention_days, 90);
  EXPECT_EQ(defaults->audit_max_rows, 1000000);
  EXPECT_EQ(defaults->table_cache_mb, 16);
  EXPECT_EQ(defaults->partition_cache_mb, 16);
  write_toml("[audit]\nretention_days = 7\nmax_rows = 5000\n[catalog]\npartition_cache_mb = 4\n");
  auto c = load_config(sources_);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->audit_retention_days, 7);
  EXPECT_EQ(c->audit_max_rows, 5000);
  EXPECT_EQ(c->partition_cache_mb, 4);
  EXPECT_EQ(c->table_cache_mb, 16);
}

TEST_F(ConfigTest, StoreUrlFromTomlEnvAndFlagNeverEchoed) {
  auto defaults = load_config(sources_);
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_EQ(defaults->store_url, "");  // SQLite in the data dir
  EXPECT_EQ(defaults->store_pool_size, 8);
  write_toml("[store]\nurl = \"postgresql://mortar@db:5432/glue\"\npool_size = 3\n");
  auto c = load_config(sources_);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->store_url, "postgresql://mortar@db:5432/glue");
  EXPECT_EQ(c->store_pool_size, 3);
  env_["MORTAR_STORE_URL"] = "postgres://other@db2/glue";
  EXPECT_EQ(load_config(sources_)->store_url, "postgres://other@db2/glue");
  sources_.flags["store.url"] = "postgresql://flag@db3/glue";
  EXPECT_EQ(load_config(sources_)->store_url, "postgresql://flag@db3/glue");

  sources_.flags["store.url"] = "mysql://u:Top-Secret-1@db/glue";
  auto bad = load_config(sources_);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("store.url (from flag) must start with postgresql://"),
            std::string::npos)
      << bad.status();
  EXPECT_EQ(bad.status().message().find("Top-Secret-1"), std::string::npos);
  sources_.flags.erase("store.url");
  env_["MORTAR_STORE_POOL_SIZE"] = "0";
  EXPECT_FALSE(load_config(sources_).ok());
}

TEST_F(ConfigTest, BrokenTomlNamesFileAndLine) {
  write_toml("listen = \"127.0.0.1:1\"\nthreads = = 3\n");
  auto c = load_config(sources_);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("mortar.toml:2:"), std::string::npos) << c.status();
}

TEST_F(ConfigTest, WrongTomlTypeIsAnError) {
  write_toml("threads = \"four\"\n");
  auto c = load_config(sources_);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("threads must be an integer"), std::string::npos);
}

TEST_F(ConfigTest, UnknownTomlKeysAreWarnings) {
  write_toml("listen = \"127.0.0.1:0\"\n[auth]\nmood = \"open\"\n");
  std::vector<std::string> warnings;
  auto c = load_config(sources_, &warnings);
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("auth.mood"), std::string::npos);
  EXPECT_EQ(c->port, 0);
}

TEST(ParseListenTest, AcceptsIpv6AndRejectsJunk) {
  std::string host;
  uint16_t port = 1;
  ASSERT_TRUE(parse_listen("[::1]:0", &host, &port).ok());
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 0);
  ASSERT_TRUE(parse_listen("0.0.0.0:8080", &host, &port).ok());
  EXPECT_EQ(host, "0.0.0.0");
  EXPECT_EQ(port, 8080);
  EXPECT_FALSE(parse_listen(":80", &host, &port).ok());
  EXPECT_FALSE(parse_listen("[::1]80", &host, &port).ok());
  EXPECT_FALSE(parse_listen("host:", &host, &port).ok());
}

}  // namespace
}  // namespace mortar::server
