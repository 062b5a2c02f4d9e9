#include "io/s3/s3_options.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "io/s3/s3_file_system.h"

namespace mortar::io {
namespace {

// Environment variables come from a map, not the process environment.
class S3OptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("s3opts-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "credentials") << "[default]\naws_access_key_id = DEF\naws_secret_access_key = defsecret\n"
                                        << "# comment\n[work]\n aws_access_key_id=WORK \n"
                                        << "aws_secret_access_key=worksecret\naws_session_token=tok\n";
    std::ofstream(dir_ / "config") << "[profile work]\nregion = ap-south-1\ns3 =\n  addressing_style = path\n"
                                   << "[default]\nregion = eu-north-1\n";
    env_["HOME"] = dir_.string();  // no ~/.aws there
    env_["AWS_EC2_METADATA_DISABLED"] = "true";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  S3Options options() {
    return s3_options_from_environment([this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    });
  }
  s3::Credentials credentials(const S3Options& o) {
    auto c = o.credentials->get();
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *c : s3::Credentials{};
  }

  std::map<std::string, std::string> env_;
  std::filesystem::path dir_;
};

TEST_F(S3OptionsTest, EnvironmentCredentialsAndEndpoint) {
  env_["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:9000/";
  env_["AWS_DEFAULT_REGION"] = "eu-west-1";
  env_["AWS_ACCESS_KEY_ID"] = "AK";
  env_["AWS_SECRET_ACCESS_KEY"] = "SK";
  env_["AWS_SESSION_TOKEN"] = "ST";
  env_["AWS_SHARED_CREDENTIALS_FILE"] = (dir_ / "credentials").string();
  S3Options o = options();
  EXPECT_EQ(o.endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(o.region, "eu-west-1");
  EXPECT_TRUE(o.path_style);
  s3::Credentials c = credentials(o);
  EXPECT_EQ(c.access_key_id, "AK");  // env wins over the file
  EXPECT_EQ(c.secret_access_key, "SK");
  EXPECT_EQ(c.session_token, "ST");
  EXPECT_EQ(o.credentials->source(), "environment");
  env_["MORTAR_S3_ENDPOINT"] = "https://minio.local";
  env_["MORTAR_S3_PATH_STYLE"] = "0";
  env_["AWS_REGION"] = "us-west-2";
  env_["MORTAR_S3_READ_PARALLELISM"] = "7";
  env_["MORTAR_S3_MULTIPART_COPY_THRESHOLD"] = "6000000";
  o = options();
  EXPECT_EQ(o.endpoint, "https://minio.local");
  EXPECT_FALSE(o.path_style);
  EXPECT_EQ(o.region, "us-west-2");
  EXPECT_EQ(o.read_parallelism, 7);
  EXPECT_EQ(o.multipart_copy_threshold, 6000000);
  env_["MORTAR_S3_READ_PARALLELISM"] = "zero";  // not a number: the default stays
  EXPECT_EQ(options().read_parallelism, 4);
}

TEST_F(S3OptionsTest, SharedCredentialsFileProfiles) {
  env_["AWS_SHARED_CREDENTIALS_FILE"] = (dir_ / "credentials").string();
  env_["AWS_CONFIG_FILE"] = (dir_ / "config").string();
  S3Options o = options();
  EXPECT_EQ(credentials(o).access_key_id, "DEF");
  EXPECT_FALSE(o.path_style);  // AWS itself: virtual-host addressing
  EXPECT_EQ(o.region, "eu-north-1");  // from [default] of the config file
  env_["AWS_PROFILE"] = "work";
  o = options();
  s3::Credentials c = credentials(o);
  EXPECT_EQ(c.access_key_id, "WORK");
  EXPECT_EQ(c.secret_access_key, "worksecret");
  EXPECT_EQ(c.session_token, "tok");
  EXPECT_EQ(o.region, "ap-south-1");  // [profile work]
  EXPECT_TRUE(o.path_style);          // s3 = addressing_style = path
  EXPECT_NE(o.credentials->source().find("shared credentials file"), std::string::npos);
  EXPECT_TRUE(absl::IsNotFound(s3::read_aws_profile((dir_ / "credentials").string(), "nope", false).status()));
  EXPECT_TRUE(absl::IsNotFound(s3::read_aws_profile((dir_ / "missing").string(), "default", false).status()));
}

TEST_F(S3OptionsTest, NoCredentialsAnywhereMeansUnsigned) {
  S3Options o = options();
  EXPECT_TRUE(credentials(o).empty());
  EXPECT_EQ(o.credentials->source(), "none (unsigned requests)");
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
