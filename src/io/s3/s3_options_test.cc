#include "io/s3/s3_options.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "io/s3/s3_file_system.h"

namespace mortar::io {
namespace {

class S3OptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v : kVars) unsetenv(v);
    dir_ = std::filesystem::temp_directory_path() / ("s3opts-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "credentials") << "[default]\naws_access_key_id = DEF\naws_secret_access_key = defsecret\n"
                                        << "# comment\n[profile work]\n aws_access_key_id=WORK \n"
                                        << "aws_secret_access_key=worksecret\naws_session_token=tok\n";
  }
  void TearDown() override {
    for (const char* v : kVars) unsetenv(v);
    std::filesystem::remove_all(dir_);
  }
  static constexpr const char* kVars[] = {
      "MORTAR_S3_ENDPOINT", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION",
      "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SHARED_CREDENTIALS_FILE",
      "AWS_PROFILE", "MORTAR_S3_PATH_STYLE"};
  std::filesystem::path dir_;
};

TEST_F(S3OptionsTest, EnvironmentCredentialsAndEndpoint) {
  setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000/", 1);
  setenv("AWS_DEFAULT_REGION", "eu-west-1", 1);
  setenv("AWS_ACCESS_KEY_ID", "AK", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "SK", 1);
  setenv("AWS_SHARED_CREDENTIALS_FILE", (dir_ / "credentials").c_str(), 1);
  S3Options o = s3_options_from_environment();
  EXPECT_EQ(o.endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(o.region, "eu-west-1");
  EXPECT_TRUE(o.path_style);
  EXPECT_EQ(o.credentials.access_key_id, "AK");  // env wins over the file
  EXPECT_EQ(o.credentials.secret_access_key, "SK");
  setenv("MORTAR_S3_ENDPOINT", "https://minio.local", 1);
  setenv("MORTAR_S3_PATH_STYLE", "0", 1);
  setenv("AWS_REGION", "us-west-2", 1);
  o = s3_options_from_environment();
  EXPECT_EQ(o.endpoint, "https://minio.local");
  EXPECT_FALSE(o.path_style);
  EXPECT_EQ(o.region, "us-west-2");
}

TEST_F(S3OptionsTest, SharedCredentialsFileProfiles) {
  setenv("AWS_SHARED_CREDENTIALS_FILE", (dir_ / "credentials").c_str(), 1);
  S3Options o = s3_options_from_environment();
  EXPECT_EQ(o.credentials.access_key_id, "DEF");
  EXPECT_FALSE(o.path_style);  // AWS itself: virtual-host addressing
  setenv("AWS_PROFILE", "work", 1);
  o = s3_options_from_environment();
  EXPECT_EQ(o.credentials.access_key_id, "WORK");
  EXPECT_EQ(o.credentials.secret_access_key, "worksecret");
  EXPECT_EQ(o.credentials.session_token, "tok");
  EXPECT_TRUE(absl::IsNotFound(read_credentials_file((dir_ / "credentials").string(), "nope").status()));
  EXPECT_TRUE(absl::IsNotFound(read_credentials_file((dir_ / "missing").string(), "default").status()));
}

TEST(S3Uri, Parse) {
  auto loc = parse_s3_uri("s3://bucket/a/b c.csv");
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->bucket, "bucket");
  EXPECT_EQ(loc->key, "a/b c.csv");
  EXPECT_EQ(parse_s3_uri("s3://bucket")->key, "");
  EXPECT_FALSE(parse_s3_uri("s3:///key").ok());
  EXPECT_FALSE(parse_s3_uri("gs://b/k").ok());
  EXPECT_EQ(*file_system_for("s3://bucket/key"), static_cast<FileSystem*>(&s3_file_system()));
}

TEST(S3FileSystem, UnreachableEndpointIsAnErrorNamingTheUri) {
  S3Options o;
  o.endpoint = "http://127.0.0.1:1";  // nothing listens on port 1
  o.max_attempts = 2;
  o.connect_timeout_seconds = 2;
  S3FileSystem fs(o);
  auto st = fs.stat("s3://b/k.csv");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(std::string(status_message(st.status())).find("s3://b/k.csv"), std::string::npos)
      << st.status();
  EXPECT_FALSE(fs.open_output("s3://b/").ok());  // an object needs a key
}

}  // namespace
}  // namespace mortar::io
