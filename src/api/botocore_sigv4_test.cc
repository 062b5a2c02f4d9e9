// Requests signed by botocore itself (the library behind boto3 and the aws
// CLI) must verify. The fixture is generated at test time: a small Python
// script builds a real botocore Glue client, captures the signed request
// just before it would be sent, and prints it as JSON.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "api/accounts.h"
#include "common/crypto.h"
#include "api/service.h"
#include "api/sigv4_verifier.h"

#ifndef MORTAR_PYTHON
#define MORTAR_PYTHON "python3"
#endif

namespace mortar::api {
namespace {

constexpr char kScript[] = R"PY(
import base64, json, sys
import botocore.session
from urllib.parse import urlsplit

access_key, secret, region, operation, params = sys.argv[1:6]
session = botocore.session.get_session()
client = session.create_client(
    "glue", region_name=region, endpoint_url="http://127.0.0.1:8787",
    aws_access_key_id=access_key, aws_secret_access_key=secret)
captured = {}

class Captured(Exception):
    pass

def before_send(request, **kwargs):
    url = urlsplit(request.url)
    headers = {k.lower(): (v.decode() if isinstance(v, bytes) else v)
               for k, v in request.headers.items()}
    headers.setdefault("host", url.netloc)
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    captured.update(method=request.method, target=url.path + ("?" + url.query if url.query else ""),
                    headers=headers, body=base64.b64encode(body).decode())
    raise Captured()

client.meta.events.register("before-send.glue", before_send)
try:
    getattr(client, operation)(**json.loads(params))
except Captured:
    pass
print(json.dumps(captured))
)PY";

// Runs the aws CLI against a one-shot capture server and prints the request.
constexpr char kCliScript[] = R"PY(
import base64, http.server, json, os, subprocess, sys, threading

access_key, secret, region = sys.argv[1:4]
captured = {}

class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        captured.update(method="POST", target=self.path,
                        headers={k.lower(): v for k, v in self.headers.items()},
                        body=base64.b64encode(body).decode())
        out = b'{"DatabaseList": []}'
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
    def log_message(self, *args):
        pass

server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.handle_request, daemon=True).start()
env = dict(os.environ, AWS_ACCESS_KEY_ID=access_key, AWS_SECRET_ACCESS_KEY=secret,
           AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
subprocess.run(["aws", "--endpoint-url", "http://127.0.0.1:%d" % server.server_port,
                "--region", region, "glue", "get-databases"],
               env=env, check=True, capture_output=True, timeout=60)
print(json.dumps(captured))
)PY";

std::string python() { return MORTAR_PYTHON; }

// Runs the script; nullopt (and a reason) when python/botocore is unavailable.
std::optional<HttpRequest> run_capture(const char* script_text, const std::string& args,
                                       std::string* why) {
  if (python().find('/') != std::string::npos && !std::filesystem::exists(python())) {
    *why = "python not found at " + python() + " (run scripts/bootstrap --tests)";
    return std::nullopt;
  }
  auto dir = std::filesystem::temp_directory_path();
  auto script = dir / ("mortar_botocore_sign_" + new_uuid() + ".py");
  std::ofstream(script) << script_text;
  std::string cmd = python() + " " + script.string() + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (pipe && fgets(buf, sizeof(buf), pipe)) out += buf;
  int rc = pipe ? pclose(pipe) : -1;
  std::filesystem::remove(script);
  if (rc != 0) {
    *why = "botocore script failed: " + out;
    return std::nullopt;
  }
  auto j = nlohmann::json::parse(out);
  HttpRequest r;
  r.method = j["method"];
  r.target = j["target"];
  for (auto& [k, v] : j["headers"].items()) r.headers[k] = v.get<std::string>();
  r.body = *base64_decode(j["body"].get<std::string>());
  return r;
}

std::optional<HttpRequest> botocore_signed(const std::string& key, const std::string& secret,
                                           const std::string& region, const std::string& op,
                                           const std::string& params, std::string* why) {
  return run_capture(kScript, key + " '" + secret + "' " + region + " " + op + " '" + params + "'",
                     why);
}

constexpr char kKey[] = "AKIAMORTARTEST000001";
constexpr char kSecret[] = "mortarTestSecret/with+chars0123456789abcd";

StatusOr<std::string> lookup(const std::string& id, const std::string& /*session_token*/) {
  if (id == kKey) return std::string(kSecret);
  return not_found("unknown");
}

TEST(BotocoreSigV4, BotocoreSignedGlueRequestsVerify) {
  std::string why;
  auto req = botocore_signed(kKey, kSecret, "eu-central-1", "get_table",
                             R"({"DatabaseName": "sales", "Name": "orders"})", &why);
  if (!req) {
    // Only a missing interpreter is a reason to skip; a failing script is a failure.
    ASSERT_NE(why.find("not found"), std::string::npos) << why;
    GTEST_SKIP() << why;
  }
  EXPECT_EQ(req->method, "POST");
  EXPECT_EQ(*req->header("x-amz-target"), "AWSGlue.GetTable");
  EXPECT_EQ(req->header("x-amz-content-sha256"), nullptr) << "botocore does not send it for glue";
  SigV4Verifier verifier("glue", Clock::real());
  auto identity = verifier.verify(*req, lookup);
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->access_key_id, kKey);
  EXPECT_EQ(identity->region, "eu-central-1");

  HttpRequest edited = *req;
  edited.body = R"({"DatabaseName": "sales", "Name": "secret_table"})";
  auto bad = verifier.verify(edited, lookup);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(glue_error_name(bad.status()).value_or(""), "InvalidSignatureException");

  // A verifier whose clock is 20 minutes ahead sees an expired signature.
  FakeClock later(Clock::real().now_micros() + 20LL * 60 * 1000000);
  auto expired = SigV4Verifier("glue", later).verify(*req, lookup);
  ASSERT_FALSE(expired.ok());
  EXPECT_NE(expired.status().ToString().find("Signature expired"), std::string::npos);
}

TEST(BotocoreSigV4, AwsCliSignedRequestVerifies) {
  if (!std::filesystem::exists("/usr/bin/aws")) GTEST_SKIP() << "the aws CLI is not installed";
  std::string why;
  auto req = run_capture(kCliScript, std::string(kKey) + " '" + kSecret + "' sa-east-1", &why);
  if (!req) {
    ASSERT_NE(why.find("not found"), std::string::npos) << why;
    GTEST_SKIP() << why;
  }
  EXPECT_EQ(*req->header("x-amz-target"), "AWSGlue.GetDatabases");
  auto identity = SigV4Verifier("glue", Clock::real()).verify(*req, lookup);
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->region, "sa-east-1");
}

TEST(BotocoreSigV4, ServiceAcceptsBotocoreRequestForRegisteredKey) {
  auto store = store::open_sqlite_store(":memory:");
  ASSERT_TRUE(store.ok()) << store.status();
  OperationRegistry ops;
  ops.add("GetDatabases", [](RequestContext& ctx, const Json&) -> StatusOr<Json> {
    return Json{{"DatabaseList", Json::array()}, {"Caller", ctx.principal}};
  });
  ASSERT_TRUE(AccountRegistry::migrate(**store).ok());
  ServiceOptions options;
  options.region = "us-west-2";  // the region botocore signs for below
  auto service = Service::create(options, **store, std::move(ops));
  ASSERT_TRUE(service.ok()) << service.status();
  AccountRegistry accounts(**store, Clock::real());
  auto account = accounts.create_account("analytics", "210987654321");
  ASSERT_TRUE(account.ok()) << account.status();
  auto key = accounts.create_access_key("210987654321", "alice");
  ASSERT_TRUE(key.ok()) << key.status();

  std::string why;
  auto req = botocore_signed(key->access_key_id, key->secret_access_key, "us-west-2",
                             "get_databases", "{}", &why);
  if (!req) {
    ASSERT_NE(why.find("not found"), std::string::npos) << why;
    GTEST_SKIP() << why;
  }
  RequestInfo info;
  HttpResponse resp = (*service)->handle(*req, &info);
  EXPECT_EQ(resp.status, 200) << resp.body;
  auto body = nlohmann::json::parse(resp.body);
  EXPECT_EQ(body["Caller"], "arn:aws:iam::210987654321:user/alice");
  EXPECT_EQ(info.principal, "arn:aws:iam::210987654321:user/alice");

  // Once revoked, the same signed request is refused.
  ASSERT_TRUE(accounts.revoke_access_key(key->access_key_id).ok());
  HttpResponse refused = (*service)->handle(*req, &info);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.headers["x-amzn-errortype"], "UnrecognizedClientException");
}

}  // namespace
}  // namespace mortar::api
