// The JobRunner suites that need what plain ctest lacks -- a live
// S3-compatible server, the glueetl engine's Python -- run by the pytest
// drivers tests/jobs/test_runner_s3.py and test_runner_glueetl.py, which
// assert they did not skip.
#include <gtest/gtest.h>

#include "jobs/job_runner_test_support.h"

namespace mortar::jobs {
namespace job_runner_test {

// s3:// scripts and --extra-py-files against a live S3-compatible server:
// tests/jobs/test_runner_s3.py runs this suite against moto (bucket
// MORTAR_TEST_S3_BUCKET holding scripts/main.py and lib/helper.py; the
// runner's S3 configuration from MORTAR_S3_ENDPOINT and the AWS_* variables);
// plain ctest has no endpoint and skips it, saying so.
class JobRunnerS3Live : public JobRunnerTest {
 protected:
  void SetUp() override {
    if (std::getenv("MORTAR_TEST_S3_ENDPOINT") == nullptr ||
        std::getenv("MORTAR_TEST_S3_BUCKET") == nullptr) {
      GTEST_SKIP() << "no MORTAR_TEST_S3_ENDPOINT: run by tests/jobs/test_runner_s3.py";
    }
    JobRunnerTest::SetUp();
    bucket_ = std::string("s3://") + std::getenv("MORTAR_TEST_S3_BUCKET");
  }
  std::string bucket_;
};

TEST_F(JobRunnerS3Live, FetchesTheScriptAndExtraPyFilesFromS3) {
  JobRunner runner(launcher_, options_);
  RunRequest r = request(bucket_ + "/scripts/main.py", "jr_s3");
  r.job["DefaultArguments"] = {{"--extra-py-files", bucket_ + "/lib/helper.py"}};
  RunResult result = run(r, runner);
  ASSERT_EQ(result.state, "SUCCEEDED") << result.error_message << "\n"
                                       << sink_.text("/aws-glue/jobs/error", "jr_s3");
  EXPECT_EQ(sink_.lines("/aws-glue/jobs/output", "jr_s3"),
            (std::vector<std::string>{"main.py from s3 says: helper from s3",
                                      options_.data_dir + "/runs/jr_s3/script/main.py"}));

  auto missing = runner.start(request(bucket_ + "/scripts/absent.py", "jr_s3_missing"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(std::string(status_message(missing.status()))
                .find("the script " + bucket_ + "/scripts/absent.py does not exist"),
            std::string::npos)
      << missing.status();
}

// A glueetl run on the native engine with the built awsglue/_mortar
// (<build>/python, MORTAR_TEST_PYTHON_PATH): tests/jobs/test_runner_glueetl.py
// runs this suite; plain ctest (which does not build _mortar for jobs_test)
// skips it, saying so.
class JobRunnerGlueEtlLive : public JobRunnerTest {
 protected:
  void SetUp() override {
    if (std::getenv("MORTAR_TEST_PYTHON_PATH") == nullptr) {
      GTEST_SKIP() << "no MORTAR_TEST_PYTHON_PATH: run by tests/jobs/test_runner_glueetl.py";
    }
    JobRunnerTest::SetUp();
    options_.python_path = std::getenv("MORTAR_TEST_PYTHON_PATH");
  }
};

TEST_F(JobRunnerGlueEtlLive, RunsADynamicFrameScriptWithinTheDefaultLimits) {
  fs::create_directories(root_ + "/in");
  std::ofstream(root_ + "/in/people.json") << "{\"name\": \"ada\", \"age\": \"36\"}\n"
                                           << "{\"name\": \"grace\", \"age\": \"85\"}\n";
  JobRunner runner(launcher_, options_);
  RunRequest r = request(script("etl.py", R"(
import sys
from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.transforms import ApplyMapping
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "input", "output"])
glue = GlueContext(SparkContext.getOrCreate())
job = Job(glue)
job.init(args["JOB_NAME"], args)
people = glue.create_dynamic_frame.from_options(
    connection_type="s3", connection_options={"paths": [args["input"]]}, format="json")
typed = ApplyMapping.apply(frame=people, mappings=[("name", "string", "name", "string"),
                                                  ("age", "string", "age", "int")])
glue.write_dynamic_frame.from_options(frame=typed, connection_type="s3",
                                      connection_options={"path": args["output"]},
                                      format="json")
print("rows", typed.count())
job.commit()
)"),
                         "jr_etl");
  r.run["Arguments"] = {{"--input", root_ + "/in"}, {"--output", root_ + "/out"}};
  RunResult result = run(r, runner);
  ASSERT_EQ(result.state, "SUCCEEDED") << result.error_message << "\n"
                                       << sink_.text("/aws-glue/jobs/error", "jr_etl");
  std::vector<std::string> out = sink_.lines("/aws-glue/jobs/output", "jr_etl");
  EXPECT_NE(std::find(out.begin(), out.end(), "rows 2"), out.end())
      << sink_.text("/aws-glue/jobs/output", "jr_etl");
  std::string written;
  for (const auto& entry : fs::recursive_directory_iterator(root_ + "/out")) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path());
    written += std::string(std::istreambuf_iterator<char>(in), {});
  }
  EXPECT_NE(written.find("\"age\":85"), std::string::npos) << written;
}

TEST_F(JobRunnerGlueEtlLive, PythonShellAtItsSmallestCapacityCanStillUseTheEngine) {
  fs::create_directories(root_ + "/in");
  std::ofstream(root_ + "/in/a.json") << "{\"x\": 1}\n{\"x\": 2}\n{\"x\": 3}\n";
  JobRunner runner(launcher_, options_);
  RunRequest r = request(script("small.py", R"(
import sys
from awsglue.context import GlueContext
from pyspark.context import SparkContext
glue = GlueContext(SparkContext.getOrCreate())
frame = glue.create_dynamic_frame.from_options(
    connection_type="s3", connection_options={"paths": [sys.argv[sys.argv.index("--input") + 1]]},
    format="json")
print("rows", frame.count())
)"),
                         "jr_small", "pythonshell");
  r.job["MaxCapacity"] = 0.0625;
  r.run["Arguments"] = {{"--input", root_ + "/in"}};
  RunResult result = run(r, runner);
  ASSERT_EQ(result.state, "SUCCEEDED") << result.error_message << "\n"
                                       << sink_.text("/aws-glue/python-jobs/error", "jr_small");
  EXPECT_EQ(sink_.lines("/aws-glue/python-jobs/output", "jr_small"),
            std::vector<std::string>{"rows 3"});
}

}  // namespace job_runner_test
}  // namespace mortar::jobs
