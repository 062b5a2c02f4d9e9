// The credential chain's logic: INI parsing, credential_process with real
// scripts, refresh ahead of Expiration (fake clock), and the order of the
// default chain. tests/io/test_s3_credentials.py covers the container and
// EC2 metadata endpoints end to end against small HTTP servers.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "io/s3/aws_config.h"
#include "io/s3/credential_sources.h"
#include "io/s3/credentials.h"

namespace mortar::io::s3 {
namespace {

TEST(AwsConfig, ConfigAndCredentialsFileSections) {
  auto config = parse_aws_ini(
      "[default]\nregion=us-east-2\n[profile dev]\nregion = eu-west-3 ; not a comment\n"
      "s3 =\n  addressing_style = virtual\n  max_concurrent_requests = 20\nafter = 1\n"
      "[sso-session corp]\nsso_region = x\n[stray]\nregion = nope\n",
      true);
  EXPECT_EQ(config.size(), 2u);  // sso-session and un-prefixed sections are not profiles
  EXPECT_EQ(config["default"]["region"], "us-east-2");
  EXPECT_EQ(config["dev"]["s3.addressing_style"], "virtual");
  EXPECT_EQ(config["dev"]["s3.max_concurrent_requests"], "20");
  EXPECT_EQ(config["dev"]["after"], "1");
  auto creds = parse_aws_ini("[dev]\naws_access_key_id=A\n# c\n; c\n[profile x]\nk=v\n", false);
  EXPECT_EQ(creds["dev"]["aws_access_key_id"], "A");
  EXPECT_EQ(creds["profile x"]["k"], "v");  // the credentials file has no "profile " prefix
}

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("s3creds-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string script(const std::string& name, const std::string& body) {
    auto path = dir_ / name;
    std::ofstream(path) << "#!/bin/sh\n" << body;
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    return path.string();
  }
  std::filesystem::path dir_;
};

using CredentialProcess = TempDir;

TEST_F(CredentialProcess, RunsTheCommandAndParsesItsOutput) {
  std::string cmd = script("ok.sh",
                           "echo '{\"Version\": 1, \"AccessKeyId\": \"ASIAPROC\", "
                           "\"SecretAccessKey\": \"procsecret\", \"SessionToken\": \"proctoken\", "
                           "\"Expiration\": \"2030-01-02T03:04:05Z\"}'\n");
  auto c = process_credentials(cmd + " --some-arg");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->access_key_id, "ASIAPROC");
  EXPECT_EQ(c->secret_access_key, "procsecret");
  EXPECT_EQ(c->session_token, "proctoken");
  EXPECT_EQ(c->expiration_seconds, 1893553445);
}

TEST_F(CredentialProcess, FailuresAreErrorsNamingTheCommand) {
  auto failed = process_credentials(script("fail.sh", "echo oops >&2\nexit 3\n"));
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(std::string(status_message(failed.status())).find("exit status 3"), std::string::npos)
      << failed.status();
  EXPECT_NE(std::string(status_message(failed.status())).find("fail.sh"), std::string::npos);
  EXPECT_FALSE(process_credentials(script("junk.sh", "echo not json\n")).ok());
  EXPECT_FALSE(process_credentials(script("nover.sh", "echo '{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"B\"}'\n")).ok());
  EXPECT_FALSE(process_credentials(script("nokey.sh", "echo '{\"Version\":1,\"AccessKeyId\":\"A\"}'\n")).ok());
}

TEST(CredentialsJson, ParsesEndpointDocuments) {
  auto c = parse_credentials_json(
      R"({"Code":"Success","AccessKeyId":"A","SecretAccessKey":"S","Token":"T","Expiration":"2030-01-02T03:04:05Z"})",
      "x");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->session_token, "T");
  EXPECT_EQ(c->expiration_seconds, 1893553445);
  EXPECT_FALSE(parse_credentials_json(R"({"Code":"AssumeRoleUnauthorizedAccess","Message":"m"})", "x").ok());
  EXPECT_FALSE(parse_credentials_json(R"({"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"soon"})", "x").ok());
  EXPECT_FALSE(parse_credentials_json("[1]", "x").ok());
}

TEST(ContainerUri, OnlyHttpsOrLocalAddresses) {
  EXPECT_TRUE(allowed_container_uri("http://127.0.0.1:8080/creds"));
  EXPECT_TRUE(allowed_container_uri("http://localhost/creds"));
  EXPECT_TRUE(allowed_container_uri("http://[::1]:80/creds"));
  EXPECT_TRUE(allowed_container_uri("http://169.254.170.23/v1/credentials"));
  EXPECT_TRUE(allowed_container_uri("https://creds.example.com/x"));
  EXPECT_FALSE(allowed_container_uri("http://creds.example.com/x"));
  EXPECT_FALSE(allowed_container_uri("http://127.0.0.1.evil.com/x"));
  EXPECT_FALSE(allowed_container_uri("ftp://127.0.0.1/x"));
}

TEST(RefreshingCredentials, RefreshesAheadOfExpirationAndSurvivesAFailedRefresh) {
  FakeClock clock(1000LL * 1000000);
  int64_t expiration = 1000 + 3600;
  bool fail = false;
  int serial = 0;
  RefreshingCredentialsProvider p(
      "test",
      [&]() -> StatusOr<Credentials> {
        if (fail) return absl::UnavailableError("endpoint down");
        ++serial;
        return Credentials{"AK" + std::to_string(serial), "S", "T", expiration};
      },
      clock, 300);
  EXPECT_EQ(p.get()->access_key_id, "AK1");
  clock.advance(3000LL * 1000000);  // 600 s left: still fresh
  EXPECT_EQ(p.get()->access_key_id, "AK1");
  EXPECT_EQ(p.fetch_count(), 1);
  clock.advance(400LL * 1000000);  // 200 s left: inside the refresh window
  expiration = 1000 + 7200;
  EXPECT_EQ(p.get()->access_key_id, "AK2");
  EXPECT_EQ(p.fetch_count(), 2);
  clock.set_micros((1000LL + 7200 - 100) * 1000000);  // due again, but the endpoint is down
  fail = true;
  EXPECT_EQ(p.get()->access_key_id, "AK2") << "still valid for 100 s: keep using them";
  clock.advance(200LL * 1000000);  // now expired
  auto expired = p.get();
  ASSERT_FALSE(expired.ok());
  EXPECT_NE(std::string(status_message(expired.status())).find("endpoint down"), std::string::npos);
}

class Chain : public TempDir {
 protected:
  void SetUp() override {
    TempDir::SetUp();
    env_["HOME"] = dir_.string();
    env_["AWS_EC2_METADATA_DISABLED"] = "true";
    env_["AWS_CONFIG_FILE"] = (dir_ / "config").string();
    env_["AWS_SHARED_CREDENTIALS_FILE"] = (dir_ / "credentials").string();
  }
  StatusOr<Credentials> resolve() {
    CredentialsChainOptions o;
    o.getenv = [this](const std::string& n) -> std::optional<std::string> {
      auto it = env_.find(n);
      return it == env_.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    o.container_relative_base = "http://127.0.0.1:1";  // nothing listens there
    DefaultCredentialsChain chain(o);
    auto c = chain.get();
    source_ = chain.source();
    return c;
  }
  std::map<std::string, std::string> env_;
  std::string source_;
};

TEST_F(Chain, FollowsTheSdkOrder) {
  std::string proc = script("p.sh",
                            "echo '{\"Version\":1,\"AccessKeyId\":\"PROC\",\"SecretAccessKey\":\"s\"}'\n");
  std::ofstream(dir_ / "config") << "[profile p]\ncredential_process = " << proc
                                 << "\naws_access_key_id = CONFIG\naws_secret_access_key = c\n"
                                 << "[profile q]\naws_access_key_id = CONFIGQ\naws_secret_access_key = c\n";
  std::ofstream(dir_ / "credentials") << "[p]\naws_access_key_id = FILE\naws_secret_access_key = f\n";
  env_["AWS_PROFILE"] = "p";
  env_["AWS_ACCESS_KEY_ID"] = "ENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "e";
  env_["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/x";
  EXPECT_EQ(resolve()->access_key_id, "ENV");
  env_.erase("AWS_SECRET_ACCESS_KEY");  // half a pair from the environment does not count
  EXPECT_EQ(resolve()->access_key_id, "FILE");
  std::ofstream(dir_ / "credentials") << "[other]\n";
  EXPECT_EQ(resolve()->access_key_id, "PROC");  // credential_process before config-file keys
  EXPECT_EQ(source_, "credential_process of profile p");
  env_["AWS_PROFILE"] = "q";
  EXPECT_EQ(resolve()->access_key_id, "CONFIGQ");
  env_["AWS_PROFILE"] = "none";
  auto container = resolve();  // the container endpoint is configured but unreachable
  ASSERT_FALSE(container.ok());
  EXPECT_NE(std::string(status_message(container.status())).find("127.0.0.1:1/v2/credentials/x"),
            std::string::npos)
      << container.status();
  env_.erase("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://169.254.169.254/not-allowed";
  EXPECT_TRUE(absl::IsInvalidArgument(resolve().status()));
  env_.erase("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  auto none = resolve();  // IMDS disabled: nothing -> unsigned
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(Chain, FailingCredentialProcessIsAnError) {
  std::ofstream(dir_ / "config") << "[default]\ncredential_process = " << script("bad.sh", "exit 1\n") << "\n";
  auto c = resolve();
  ASSERT_FALSE(c.ok());
  EXPECT_NE(std::string(status_message(c.status())).find("bad.sh"), std::string::npos) << c.status();
}

}  // namespace
}  // namespace mortar::io::s3
