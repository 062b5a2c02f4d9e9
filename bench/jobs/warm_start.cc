// Start -> exit of a job run's process, warm (forked from the warm pool's
// fork server) against cold (PosixLauncher: a fresh interpreter), in one
// process, alternating run by run so both see the same machine load. Two
// scripts: a trivial pythonshell one and a trivial glueetl one (Glue's
// boilerplate imports, GlueContext, Job.init/commit). See bench/README.md.
//
//   cmake --build build/release --target warm_start_bench _mortar
//   build/release/src/jobs/warm_start_bench [--runs 200]
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "jobs/posix_launcher.h"
#include "jobs/warm_pool.h"

namespace fs = std::filesystem;
using mortar::jobs::ExitInfo;
using mortar::jobs::LaunchSpec;
using mortar::jobs::ProcessLauncher;

namespace {

const char* kPythonShell = "print('ok')\n";
const char* kGlueEtl = R"(import sys
from awsglue.transforms import *
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext
from awsglue.job import Job
args = getResolvedOptions(sys.argv, ["JOB_NAME"])
glueContext = GlueContext(SparkContext())
job = Job(glueContext)
job.init(args["JOB_NAME"], args)
job.commit()
)";

std::string load() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * (v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// ms from launch() to wait() returning; -1 when the run failed.
double timed_run(ProcessLauncher& launcher, const LaunchSpec& spec, bool* warm) {
  auto t0 = std::chrono::steady_clock::now();
  auto process = launcher.launch(spec);
  if (!process.ok()) return -1;
  ExitInfo exit = (*process)->wait();
  auto t1 = std::chrono::steady_clock::now();
  *warm = exit.warm;
  if (exit.exit_code != 0) return -1;
  return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 200;
  std::string python = MORTAR_BENCH_PYTHON;
  std::string python_dir = MORTAR_BENCH_PYTHON_DIR;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--python")) python = argv[i + 1];
    if (!std::strcmp(argv[i], "--python-dir")) python_dir = argv[i + 1];
  }
  char tmpl[] = "/tmp/warm_start_bench.XXXXXX";
  if (!::mkdtemp(tmpl)) return 1;
  const fs::path dir = tmpl;
  std::vector<std::string> env{"PYTHONPATH=" + python_dir, "PYTHONUNBUFFERED=1", "LANG=C.UTF-8"};
  for (const char* name : {"PATH", "HOME"}) {
    if (const char* v = std::getenv(name)) env.push_back(std::string(name) + "=" + v);
  }

  mortar::jobs::PosixLauncher cold;
  mortar::jobs::WarmPoolOptions options;
  options.size = 1;
  options.python_dir = python_dir;
  mortar::jobs::WarmPoolLauncher warm(options, cold);
  warm.prestart(python, env);

  std::printf("python %s, %d runs each, load before: %s\n", python.c_str(), runs, load().c_str());
  std::printf("%-12s %10s %10s %10s %10s %12s\n", "script", "cold p50", "cold p99", "warm p50",
              "warm p99", "warm/cold p50");
  for (auto [name, source] : {std::pair{"pythonshell", kPythonShell}, {"glueetl", kGlueEtl}}) {
    fs::path script = dir / (std::string(name) + ".py");
    std::ofstream(script) << source;
    LaunchSpec spec;
    spec.argv = {python, script.string(), "--JOB_NAME", name};
    spec.env = env;
    spec.working_dir = dir.string();
    if (!warm.wait_ready(spec, 1, std::chrono::seconds(120))) {
      std::fprintf(stderr, "the fork server did not start: %s\n", warm.stats().last_error.c_str());
      return 1;
    }
    std::vector<double> cold_ms, warm_ms;
    int not_warm = 0, failed = 0;
    for (int i = 0; i < runs; ++i) {
      bool was_warm = false;
      double c = timed_run(cold, spec, &was_warm);
      double w = timed_run(warm, spec, &was_warm);
      if (c < 0 || w < 0) ++failed;
      if (!was_warm) ++not_warm;
      if (c >= 0) cold_ms.push_back(c);
      if (w >= 0) warm_ms.push_back(w);
    }
    if (cold_ms.empty() || warm_ms.empty()) {
      std::fprintf(stderr, "%s: every run failed\n", name);
      return 1;
    }
    std::printf("%-12s %9.1fms %9.1fms %9.1fms %9.1fms %12.3f%s\n", name, percentile(cold_ms, 0.5),
                percentile(cold_ms, 0.99), percentile(warm_ms, 0.5), percentile(warm_ms, 0.99),
                percentile(warm_ms, 0.5) / percentile(cold_ms, 0.5),
                failed || not_warm ? "  (some runs failed or were not warm)" : "");
  }
  std::printf("load after: %s\n", load().c_str());
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
