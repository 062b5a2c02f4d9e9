#include "crawler/plan/crawl_planner.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <ctime>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "crawler/plan/crawl_manifest.h"
#include "crawler/plan/table_names.h"

namespace mortar::crawler {
namespace {

namespace fs = std::filesystem;

// Classifies by extension; the file's content is its schema's type string.
// "CORRUPT" content is an unreadable file. Counts its calls.
class FakeClassifier : public FileClassifier {
 public:
  StatusOr<Classification> classify(io::FileSystem& fs, const FileEntry& file) const override {
    calls++;
    std::lock_guard<std::mutex> lock(mu_);
    classified_.insert(file.path);
    Classification c;
    auto in = fs.open_random_access(file.path);
    if (!in.ok()) {
      c.error = std::string(status_message(in.status()));
      return c;
    }
    std::string text;
    MORTAR_RETURN_IF_ERROR((*in)->read_at(0, 4096, &text));
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (text == "CORRUPT") {
      c.error = "corrupt file " + file.path;
      return c;
    }
    std::string ext = file.path.substr(file.path.rfind('.') + 1);
    if (ext != "csv" && ext != "json" && ext != "parquet") return c;  // UNKNOWN
    c.classification = ext;
    c.certainty = 1.0;
    auto type = types::DataType::parse(text.empty() ? "struct<a:bigint>" : text);
    if (!type.ok()) {
      c.error = "bad schema in " + file.path;
      return c;
    }
    c.schema = *type;
    c.record_count = 1;
    c.average_record_size = static_cast<int64_t>(text.size());
    return c;
  }
  std::set<std::string> classified() const {
    std::lock_guard<std::mutex> lock(mu_);
    return classified_;
  }
  void reset() {
    calls = 0;
    std::lock_guard<std::mutex> lock(mu_);
    classified_.clear();
  }
  mutable std::atomic<int> calls{0};

 private:
  mutable std::mutex mu_;
  mutable std::set<std::string> classified_;
};

class PlannerTest : public testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("mortar_plan_" + std::to_string(::getpid()) + "_" +
             testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    auto store = store::open_sqlite_store(":memory:");
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
    ASSERT_TRUE(CrawlPlanner::migrate(*store_).ok());
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(root_, fs::perms::all, ec);
    fs::remove_all(root_, ec);
  }

  void write(const std::string& relative, const std::string& content = "struct<a:bigint,b:string>") {
    fs::path p = root_ / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << content;
  }

  StatusOr<PlanResult> plan(Json target = Json(), const std::string& recrawl = "CRAWL_EVERYTHING") {
    if (target.is_null()) target = {{"Path", root_.string()}};
    PlanEnvironment env{classifier_, config_, cancel_, nullptr, nullptr, nullptr, "", "", "CRAWL_EVERYTHING", 2};
    env.store = store_.get();
    env.crawler_name = "c1";
    env.table_prefix = prefix_;
    env.recrawl_behavior = recrawl;
    env.threads = 2;
    env.log = [this](const std::string&, const std::string& m) { log_.push_back(m); };
    return CrawlPlanner::plan_s3_targets({target}, env);
  }

  bool has_problem(const PlanResult& r, const std::string& path_part, const std::string& text) {
    for (const auto& p : r.problems)
      if (p.path.find(path_part) != std::string::npos && p.message.find(text) != std::string::npos)
        return true;
    return false;
  }

  fs::path root_;
  FakeClassifier classifier_;
  CrawlerConfig config_;
  CancelToken cancel_;
  std::unique_ptr<store::Store> store_;
  std::string prefix_;
  std::vector<std::string> log_;
};

TEST_F(PlannerTest, PlansHivePartitionedTableFromDisk) {
  write("year=2024/month=01/a.csv");
  write("year=2024/month=02/a.csv");
  write("year=2024/month=02/b.csv");
  prefix_ = "raw_";
  auto r = plan();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->files_listed, 3);
  EXPECT_EQ(r->files_classified, 3);
  ASSERT_EQ(r->tables.size(), 1u);
  const auto& t = r->tables[0];
  EXPECT_EQ(t.name, "raw_" + sanitize_name(root_.filename().string()));
  EXPECT_EQ(t.location, root_.string() + "/");
  ASSERT_EQ(t.partition_keys.size(), 2u);
  EXPECT_EQ(t.partition_keys[0].first, "year");
  EXPECT_EQ(t.partition_keys[1].first, "month");
  ASSERT_EQ(t.partitions.size(), 2u);
  EXPECT_EQ(t.partitions[1].values, (std::vector<std::string>{"2024", "02"}));
  EXPECT_EQ(t.partitions[1].object_count, 2);
  EXPECT_EQ(t.classification.schema->to_string(), "struct<a:bigint,b:string>");
}

TEST_F(PlannerTest, FileUriTargetsKeepTheirSpelling) {
  write("d/a.json");
  auto r = plan({{"Path", "file://" + root_.string() + "/"}});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->tables.size(), 1u);
  EXPECT_EQ(r->tables[0].location, "file://" + root_.string() + "/");
  EXPECT_EQ(r->tables[0].partitions[0].location, "file://" + root_.string() + "/d/");
}

TEST_F(PlannerTest, ExclusionsApplyToPathsBelowTheIncludePath) {
  write("keep/a.csv");
  write("keep/b.json");
  write("tmp/x/a.csv");
  write("Market_US/a.csv");
  auto r = plan({{"Path", root_.string()}, {"Exclusions", {"**.json", "tmp/**", "Market*"}}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->files_listed, 1);
  EXPECT_EQ(classifier_.classified(), (std::set<std::string>{(root_ / "keep/a.csv").string()}));
}

TEST_F(PlannerTest, BadTargetsAreInvalidInput) {
  EXPECT_EQ(plan({{"Exclusions", Json::array()}}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(plan({{"Path", root_.string()}, {"Exclusions", {"[oops"}}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(plan({{"Path", root_.string()}, {"SampleSize", 0}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(plan({{"Path", root_.string()}, {"SampleSize", "3"}}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(PlannerTest, MarkerFilesAreIgnoredOnlyWhenAsked) {
  write("t/a.csv");
  write("t/_SUCCESS", "");
  write("t/_committed_123", "x");
  write("t/_started_123", "x");
  write("t/part_$folder$", "x");
  write("t/.crc.csv", "struct<a:bigint>");
  write("t/empty.csv", "");
  write(".staging/x.csv");
  auto glue = plan();
  ASSERT_TRUE(glue.ok());
  EXPECT_EQ(glue->files_listed, 8);
  config_.ignore_marker_files = true;
  auto r = plan();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->files_listed, 1);
  EXPECT_EQ(r->tables.size(), 1u);
}

TEST_F(PlannerTest, SampleSizeLimitsFilesClassifiedPerLeafFolder) {
  for (int p = 0; p < 3; ++p)
    for (int f = 0; f < 5; ++f) write("p=" + std::to_string(p) + "/f" + std::to_string(f) + ".csv");
  auto r = plan({{"Path", root_.string()}, {"SampleSize", 2}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->files_listed, 15);
  EXPECT_EQ(r->files_classified, 6);
  ASSERT_EQ(r->tables.size(), 1u);
  EXPECT_EQ(r->tables[0].object_count, 15);  // unsampled files still belong to the table
  EXPECT_EQ(r->tables[0].partitions[0].object_count, 5);
  EXPECT_EQ(r->tables[0].classification.record_count, 6);
}

TEST_F(PlannerTest, CorruptFilesAreProblemsAndTheCrawlGoesOn) {
  write("t/good.csv");
  write("t/bad.csv", "CORRUPT");
  auto r = plan();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(has_problem(*r, "bad.csv", "corrupt"));
  ASSERT_EQ(r->tables.size(), 1u);
  EXPECT_EQ(r->tables[0].object_count, 1);
}

TEST_F(PlannerTest, SymlinkLoopsAndDanglingLinksAreProblems) {
  write("t/a/x.csv");
  fs::create_directory_symlink(root_ / "t", root_ / "t" / "a" / "loop");
  fs::create_symlink(root_ / "nowhere.csv", root_ / "t" / "a" / "gone.csv");
  auto r = plan();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(has_problem(*r, "t/a/loop", "loop"));
  EXPECT_TRUE(has_problem(*r, "t/a/gone.csv", "dangling"));
  EXPECT_EQ(r->files_listed, 1);
  EXPECT_EQ(r->tables.size(), 1u);
}

TEST_F(PlannerTest, SymlinkedFoldersAreFollowed) {
  write("elsewhere/x.csv");
  fs::create_directories(root_ / "t");
  fs::create_directory_symlink(root_ / "elsewhere", root_ / "t" / "linked");
  auto r = plan({{"Path", (root_ / "t").string()}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->files_listed, 1);
}

// Lists a tree with an unreadable folder; as root (who reads everything) the
// listing runs in a child process that dropped to an unprivileged user.
TEST_F(PlannerTest, UnreadableFolderIsAProblemAndTheRestIsListed) {
  write("t/ok/a.csv");
  write("t/locked/a.csv");
  fs::permissions(root_ / "t" / "locked", fs::perms::none);
  fs::permissions(root_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                             fs::perms::others_read | fs::perms::others_exec);
  auto run = [&]() -> int {
    auto r = plan({{"Path", (root_ / "t").string()}});
    if (!r.ok()) return 10;
    if (r->files_listed != 1) return 11;
    if (!has_problem(*r, "t/locked/", "cannot be listed")) return 12;
    if (r->tables.size() != 1) return 13;
    return 0;
  };
  if (::geteuid() != 0) {
    EXPECT_EQ(run(), 0);
    return;
  }
  for (auto dir = root_; dir != dir.root_path(); dir = dir.parent_path()) {
    struct stat st;
    ASSERT_EQ(::stat(dir.c_str(), &st), 0);
    ASSERT_TRUE(st.st_mode & S_IXOTH) << dir << " is not traversable by other users";
  }
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(20);
    ::_exit(run());
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(PlannerTest, MissingIncludePathIsAProblemNotAFailure) {
  auto r = plan({{"Path", (root_ / "absent").string()}});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->tables.empty());
  EXPECT_TRUE(has_problem(*r, "absent", "cannot be read"));
}

TEST_F(PlannerTest, CancelledPlanStops) {
  write("t/a.csv");
  cancel_.cancel();
  EXPECT_EQ(plan().status().code(), absl::StatusCode::kCancelled);
}

TEST_F(PlannerTest, ManifestReusesClassificationsOfUnchangedFiles) {
  config_.use_manifest = true;
  const std::string base = "struct<a:bigint,b:string,c:double,d:string>";
  write("p=1/a.csv", base);
  write("p=2/a.csv", base);
  write("p=2/b.csv", base);
  auto first = plan();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->files_classified, 3);
  EXPECT_EQ(first->files_reused, 0);
  ASSERT_EQ(first->tables.size(), 1u);

  classifier_.reset();
  auto second = plan();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->files_classified, 0);
  EXPECT_EQ(second->files_reused, 3);
  EXPECT_EQ(classifier_.calls.load(), 0);
  ASSERT_EQ(second->tables.size(), 1u);
  EXPECT_EQ(second->tables[0].classification.schema->to_string(), base);
  EXPECT_EQ(second->tables[0].classification.record_count, 3);
  EXPECT_EQ(second->tables[0].partitions.size(), 2u);

  // A changed file (new size) is classified again; the others are reused.
  write("p=1/a.csv", "struct<a:bigint,b:string,c:double,d:string,e:boolean>");
  classifier_.reset();
  auto third = plan();
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->files_classified, 1);
  EXPECT_EQ(third->files_reused, 2);
  EXPECT_EQ(classifier_.classified(), (std::set<std::string>{(root_ / "p=1/a.csv").string()}));
  ASSERT_EQ(third->tables.size(), 1u);
  EXPECT_EQ(third->tables[0].classification.schema->to_string(),
            "struct<a:bigint,b:string,c:double,d:string,e:boolean>");

  // A deleted file leaves the manifest.
  fs::remove(root_ / "p=2" / "b.csv");
  ASSERT_TRUE(plan().ok());
  auto snap = CrawlManifest::load(*store_, "c1");
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->files.size(), 2u);

  // Dropped with the crawler.
  ASSERT_TRUE(CrawlPlanner::drop_manifest(*store_, "c1").ok());
  classifier_.reset();
  auto fresh = plan();
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->files_classified, 2);
}

TEST_F(PlannerTest, DryRunWritesNoManifest) {
  config_.use_manifest = true;
  config_.dry_run = true;
  write("t/a.csv");
  ASSERT_TRUE(plan().ok());
  auto snap = CrawlManifest::load(*store_, "c1");
  ASSERT_TRUE(snap.ok());
  EXPECT_TRUE(snap->empty());
}

TEST_F(PlannerTest, CrawlNewFoldersOnlyPlansOnlyNewFolders) {
  write("year=2024/month=01/a.csv");
  write("year=2024/month=02/a.csv");
  auto first = plan(Json(), "CRAWL_NEW_FOLDERS_ONLY");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->tables.size(), 1u);
  EXPECT_EQ(first->tables[0].partitions.size(), 2u);

  write("year=2024/month=03/a.csv");
  write("year=2024/month=01/late.csv");  // a new file in an old folder is not crawled
  classifier_.reset();
  auto second = plan(Json(), "CRAWL_NEW_FOLDERS_ONLY");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->files_listed, 4);
  EXPECT_EQ(second->files_classified, 1);
  EXPECT_EQ(classifier_.classified(), (std::set<std::string>{(root_ / "year=2024/month=03/a.csv").string()}));
  ASSERT_EQ(second->tables.size(), 1u);
  const auto& t = second->tables[0];
  EXPECT_EQ(t.location, root_.string() + "/");
  ASSERT_EQ(t.partition_keys.size(), 2u);
  ASSERT_EQ(t.partitions.size(), 1u);
  EXPECT_EQ(t.partitions[0].values, (std::vector<std::string>{"2024", "03"}));
}

TEST_F(PlannerTest, PlanExistingTableDiscoversItsPartitions) {
  write("tbl/dt=2024-01-01/a.csv");
  write("tbl/dt=2024-01-02/a.csv");
  write("tbl/stray.csv");
  write("tbl/dt=2024-01-03/a.json");
  Json table = {{"Name", "events"},
                {"StorageDescriptor", {{"Location", (root_ / "tbl").string()}}},
                {"PartitionKeys", {{{"Name", "dt"}, {"Type", "string"}}}},
                {"Parameters", {{"classification", "csv"}}}};
  PlanEnvironment env{classifier_, config_, cancel_, nullptr, nullptr, nullptr, "", "", "CRAWL_EVERYTHING", 2};
  env.store = store_.get();
  env.crawler_name = "c1";
  auto r = CrawlPlanner::plan_existing_table(table, env);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->tables.size(), 1u);
  const auto& t = r->tables[0];
  EXPECT_EQ(t.name, "events");
  EXPECT_EQ(t.partition_keys, (std::vector<std::pair<std::string, std::string>>{{"dt", "string"}}));
  ASSERT_EQ(t.partitions.size(), 2u);
  EXPECT_EQ(t.partitions[0].values, (std::vector<std::string>{"2024-01-01"}));
  EXPECT_EQ(t.partitions[1].location, (root_ / "tbl").string() + "/dt=2024-01-02/");
  EXPECT_TRUE(has_problem(*r, "stray.csv", "partition key"));
  EXPECT_TRUE(has_problem(*r, "a.json", "the table is csv"));
}

// Speed is measured by bench/crawler, not asserted here (machines are noisy).
TEST_F(PlannerTest, HundredThousandEmptyFilesArePlannedAndThenReusedFromTheManifest) {
  config_.ignore_marker_files = false;
  for (int d = 0; d < 100; ++d) {
    fs::path dir = root_ / ("d=" + std::to_string(d));
    fs::create_directories(dir);
    for (int f = 0; f < 1000; ++f) {
      int fd = ::open((dir / ("f" + std::to_string(f) + ".csv")).c_str(), O_CREAT | O_WRONLY, 0644);
      ASSERT_GE(fd, 0);
      ::close(fd);
    }
  }
  config_.use_manifest = true;
  auto r = plan();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->files_listed, 100000);
  ASSERT_EQ(r->tables.size(), 1u);
  EXPECT_EQ(r->tables[0].partitions.size(), 100u);
  EXPECT_EQ(r->tables[0].object_count, 100000);
  // Unchanged: no file is classified again.
  classifier_.reset();
  auto again = plan();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(classifier_.calls.load(), 0);
  EXPECT_EQ(again->files_reused, 100000);
  EXPECT_EQ(again->tables[0].object_count, 100000);

  // With marker files ignored, zero-byte objects are not data at all.
  config_.ignore_marker_files = true;
  auto ignored = plan();
  ASSERT_TRUE(ignored.ok());
  EXPECT_EQ(ignored->files_listed, 0);
  EXPECT_TRUE(ignored->tables.empty());
}

TEST_F(PlannerTest, ManifestSavesAndLoads100000Rows) {
  std::vector<ManifestRecord> records(100000);
  auto c = std::make_shared<Classification>();
  c->classification = "csv";
  c->schema = *types::DataType::parse("struct<a:bigint>");
  for (size_t i = 0; i < records.size(); ++i) {
    records[i].file.path = "/data/t/p=" + std::to_string(i / 100) + "/f" + std::to_string(i) + ".csv";
    records[i].file.size = 10;
    records[i].classification = c;
    records[i].record_count = 1;
  }
  ASSERT_TRUE(CrawlManifest::save(*store_, "big", ManifestSnapshot(), records).ok());
  auto snap = CrawlManifest::load(*store_, "big");
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->files.size(), 100000u);
  EXPECT_EQ(snap->classes.size(), 1u);
}

}  // namespace
}  // namespace mortar::crawler
