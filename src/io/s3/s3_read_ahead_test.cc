// open_input's parallel ranged reads and open_output's parallel part
// uploads against a small S3 imitation written in Python (stdlib
// http.server on loopback): a 50 MB random object must stream back
// byte-identical with several GETs in flight but never more than
// read_parallelism, and a failure of one part (403, a short body, a changed
// ETag) must surface as an error, never as corrupt or truncated data;
// uploads keep at most write_parallelism parts in flight, assemble in order,
// and a failed part aborts the upload.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include "io/aws/python_http_stub.h"
#include "io/s3/s3_file_system.h"
#include "io/s3/s3_streams.h"

namespace mortar::io {
namespace {

constexpr char kStub[] = R"PY(
data = open(os.path.join(sys.argv[1], "data.bin"), "rb").read()
chunk = int(sys.argv[2])
ETAG = '"0123456789abcdef"'
lock = threading.Lock()
state = {"inflight": 0, "max_inflight": 0, "gets": 0, "puts_inflight": 0, "max_puts_inflight": 0, "aborts": 0}
uploads = {}
written = {}

class Handler(StubHandler):
    def do_HEAD(self):
        self.reply(200, data, [("ETag", ETAG)]) if self.path.startswith("/b/") else self.reply(404)
    def do_GET(self):
        if self.path.rstrip("/") == "/stats":
            return self.reply(200, json.dumps(state).encode())
        if self.path.rstrip("/") == "/reset":
            with lock:
                state.update(inflight=0, max_inflight=0, gets=0, puts_inflight=0, max_puts_inflight=0, aborts=0)
            return self.reply(200)
        if self.path.startswith("/written/"):
            body = written.get(self.path[len("/written/"):].rstrip("/"))
            return self.reply(404) if body is None else self.reply(200, body)
        fault = self.path[len("/b/"):]
        first, last = (int(x) for x in self.headers["Range"].split("=")[1].split("-"))
        with lock:
            state["gets"] += 1
        # A request stops counting before its reply goes out: the client may
        # send the next one as soon as it has the reply.
        with Counted("inflight"):
            time.sleep(0.01)  # long enough for requests to overlap
            if self.headers.get("If-Match") != ETAG or (fault == "changed" and first == 2 * chunk):
                reply = (412, b"<Error><Code>PreconditionFailed</Code></Error>")
            elif fault == "denied" and first == 2 * chunk:
                reply = (403, b"<Error><Code>AccessDenied</Code><Message>no</Message></Error>")
            else:
                if fault == "slow" and first > 0:
                    time.sleep(20)  # the reader is gone long before this
                body = data[first:last + 1]
                if fault == "short" and first == 2 * chunk:
                    body = body[:-1000]
                reply = (206, body, [("Content-Range", "bytes %d-%d/%d" % (first, last, len(data)))])
        self.reply(*reply)

class Counted:
    """Counts a request in state[key] (and its peak in max_<key>) while the
    block runs."""
    def __init__(self, key):
        self.key = key
    def __enter__(self):
        with lock:
            state[self.key] += 1
            peak = "max_" + self.key
            state[peak] = max(state[peak], state[self.key])
    def __exit__(self, *exc):
        with lock:
            state[self.key] -= 1

def query(handler):
    path, _, q = handler.path.partition("?")
    return path, dict(p.partition("=")[::2] for p in q.split("&") if p)

def body_of(handler):
    return handler.rfile.read(int(handler.headers.get("Content-Length", 0)))

def do_POST(self):
    path, q = query(self)
    body = body_of(self)
    if "uploads" in q:
        with lock:
            upload_id = "up%d" % len(uploads)
            uploads[upload_id] = {}
        return self.reply(200, ("<InitiateMultipartUploadResult><UploadId>%s</UploadId>"
                                "</InitiateMultipartUploadResult>" % upload_id).encode())
    parts = uploads.pop(q["uploadId"])
    order = [int(n) for n in re.findall(r"<PartNumber>(\d+)</PartNumber>", body.decode())]
    etags = re.findall(r"<ETag>([^<]*)</ETag>", body.decode())
    assert order == sorted(parts) and etags == ["&quot;etag-%d&quot;" % n for n in order], (order, etags)
    written[path.split("/", 2)[2]] = b"".join(parts[n] for n in order)
    self.reply(200, b"<CompleteMultipartUploadResult/>")

def do_PUT(self):
    path, q = query(self)
    body = body_of(self)
    with Counted("puts_inflight"):
        time.sleep(0.05)
        if path.endswith("failpart") and q.get("partNumber") == "3":
            reply = (403, b"<Error><Code>AccessDenied</Code></Error>")
        else:
            uploads[q["uploadId"]][int(q["partNumber"])] = body
            reply = (200, b"", [("ETag", '"etag-%s"' % q["partNumber"])])
    self.reply(*reply)

def do_DELETE(self):
    path, q = query(self)
    with lock:
        uploads.pop(q.get("uploadId"), None)
        state["aborts"] += 1
    self.reply(204)

Handler.do_POST = do_POST
Handler.do_PUT = do_PUT
Handler.do_DELETE = do_DELETE
)PY";

constexpr int64_t kChunk = 1 << 20;
constexpr int64_t kSize = 50 * 1000 * 1000 + 123;  // not a multiple of the chunk

class S3ReadAheadTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() / ("s3readahead-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    data_ = new std::string(kSize, '\0');
    std::mt19937_64 rng(42);
    for (int64_t i = 0; i + 8 <= kSize; i += 8) {
      uint64_t v = rng();
      std::memcpy(data_->data() + i, &v, 8);
    }
    std::ofstream(dir_ / "data.bin", std::ios::binary).write(data_->data(), kSize);
    stub_ = new test_support::PythonHttpStub();
    if (!stub_->start(dir_, kStub, dir_.string() + " " + std::to_string(kChunk))) {
      FAIL() << "could not start the python3 S3 stub";
    }
    endpoint_ = stub_->endpoint();
  }
  static void TearDownTestSuite() {
    delete stub_;
    std::filesystem::remove_all(dir_);
    delete data_;
  }

  S3FileSystem file_system(int parallelism) {
    S3Options o;
    o.endpoint = endpoint_;
    o.read_chunk = kChunk;
    o.read_parallelism = parallelism;
    o.write_parallelism = parallelism;
    o.part_size = 5 << 20;
    o.max_attempts = 1;
    return S3FileSystem(o);
  }

  // Reads everything; the error (if any) goes to *error.
  std::string read_all(S3FileSystem& fs, const std::string& uri, Status* error) {
    auto in = fs.open_input(uri);
    if (!in.ok()) {
      *error = in.status();
      return "";
    }
    std::string all;
    std::string buf(300000, '\0');  // reads straddle part boundaries
    for (;;) {
      auto n = (*in)->read(buf.data(), static_cast<int64_t>(buf.size()));
      if (!n.ok()) {
        *error = n.status();
        return all;
      }
      if (*n == 0) return all;
      all.append(buf.data(), *n);
    }
  }

  std::string stats(S3FileSystem& fs) {
    std::string out;
    s3::S3Request req{"GET", "stats", "", {}, {}, ""};
    auto resp = fs.client().send(req);
    return resp.ok() ? resp->body : "";
  }
  void reset(S3FileSystem& fs) { (void)fs.client().send(s3::S3Request{"GET", "reset", "", {}, {}, ""}); }

  static inline std::filesystem::path dir_;
  static inline std::string* data_ = nullptr;
  static inline test_support::PythonHttpStub* stub_ = nullptr;
  static inline std::string endpoint_;
};

int stat_value(const std::string& json, const std::string& name) {
  size_t at = json.find("\"" + name + "\": ");
  return at == std::string::npos ? -1 : std::atoi(json.c_str() + at + name.size() + 4);
}

TEST_F(S3ReadAheadTest, LargeObjectStreamsBackByteIdenticalWithBoundedParallelism) {
  auto fs = file_system(4);
  reset(fs);
  Status error;
  std::string got = read_all(fs, "s3://b/good", &error);
  ASSERT_TRUE(error.ok()) << error;
  ASSERT_EQ(got.size(), data_->size());
  EXPECT_TRUE(got == *data_) << "bytes differ";
  std::string s = stats(fs);
  EXPECT_EQ(stat_value(s, "gets"), 48) << s;  // ceil(50 000 123 / 1 MiB)
  EXPECT_GE(stat_value(s, "max_inflight"), 2) << "reads did not overlap: " << s;
  EXPECT_LE(stat_value(s, "max_inflight"), 4) << "more GETs in flight than read_parallelism: " << s;
}

TEST_F(S3ReadAheadTest, ParallelismOneReadsSequentially) {
  auto fs = file_system(1);
  reset(fs);
  Status error;
  std::string got = read_all(fs, "s3://b/good", &error);
  ASSERT_TRUE(error.ok()) << error;
  EXPECT_TRUE(got == *data_);
  EXPECT_EQ(stat_value(stats(fs), "max_inflight"), 1);
}

TEST_F(S3ReadAheadTest, AFailedPartIsAnErrorNotCorruptData) {
  auto fs = file_system(4);
  for (std::string fault : {"denied", "short", "changed"}) {
    SCOPED_TRACE(fault);
    Status error;
    std::string got = read_all(fs, "s3://b/" + fault, &error);
    ASSERT_FALSE(error.ok()) << "a broken third part went unnoticed";
    std::string msg(status_message(error));
    EXPECT_NE(msg.find("s3://b/" + fault), std::string::npos) << msg;
    // What was delivered before the error is exactly the first two parts.
    EXPECT_EQ(got.size(), static_cast<size_t>(2 * kChunk));
    EXPECT_TRUE(got == data_->substr(0, got.size()));
    if (fault == "denied") {
      EXPECT_TRUE(absl::IsPermissionDenied(error)) << error;
    } else if (fault == "short") {
      EXPECT_NE(msg.find("came back with"), std::string::npos) << msg;
    } else {
      EXPECT_NE(msg.find("changed"), std::string::npos) << msg;
    }
  }
}

TEST_F(S3ReadAheadTest, AbandonedStreamAbortsRequestsInFlight) {
  auto fs = file_system(4);
  auto in = fs.open_input("s3://b/slow");  // every part but the first takes 20 s
  ASSERT_TRUE(in.ok()) << in.status();
  char buf[10];
  auto n = (*in)->read(buf, sizeof buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), data_->substr(0, 10));
  auto start = std::chrono::steady_clock::now();
  in->reset();  // destroyed mid-object (e.g. `mortar file head`)
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 5) << "the destructor waited for the slow GETs instead of aborting them";
}

TEST_F(S3ReadAheadTest, UploadsKeepBoundedPartsInFlightAndAssembleInOrder) {
  auto fs = file_system(3);
  reset(fs);
  auto out = fs.open_output("s3://b/upload.bin");
  ASSERT_TRUE(out.ok()) << out.status();
  std::string data = data_->substr(0, (32 << 20) + 5);  // 7 parts of 5 MiB
  for (size_t at = 0; at < data.size(); at += 1000003) {
    ASSERT_TRUE((*out)->write(std::string_view(data).substr(at, 1000003)).ok());
  }
  ASSERT_TRUE((*out)->close().ok());
  auto back = fs.client().send(s3::S3Request{"GET", "written", "upload.bin", {}, {}, ""});
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->status, 200);
  EXPECT_TRUE(back->body == data) << "uploaded bytes differ (" << back->body.size() << " bytes)";
  std::string s = stats(fs);
  EXPECT_EQ(stat_value(s, "max_puts_inflight"), 3) << s;  // parallel, and never more than 3
  EXPECT_EQ(stat_value(s, "aborts"), 0) << s;
}

TEST_F(S3ReadAheadTest, AFailedUploadPartAbortsTheUpload) {
  auto fs = file_system(3);
  reset(fs);
  Status result;
  {
    auto out = fs.open_output("s3://b/failpart");
    ASSERT_TRUE(out.ok()) << out.status();
    for (int i = 0; i < 8 && result.ok(); ++i) result = (*out)->write(data_->substr(0, 5 << 20));
    if (result.ok()) result = (*out)->close();
  }
  ASSERT_FALSE(result.ok()) << "a refused part went unnoticed";
  EXPECT_NE(std::string(status_message(result)).find("UploadPart s3://b/failpart"), std::string::npos) << result;
  EXPECT_EQ(stat_value(stats(fs), "aborts"), 1);
  auto back = fs.client().send(s3::S3Request{"GET", "written", "failpart", {}, {}, ""});
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->status, 404) << "no object may appear";
}

}  // namespace
}  // namespace mortar::io
