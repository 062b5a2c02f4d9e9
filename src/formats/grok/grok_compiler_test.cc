#include "formats/grok/grok_compiler.h"

#include <gtest/gtest.h>

#include "formats/grok/grok_patterns.h"

namespace mortar::formats::grok {
namespace {

using types::TypeKind;

std::unique_ptr<CompiledGrok> compile_ok(const std::string& pattern, const std::string& custom = "") {
  GrokLibrary lib;
  EXPECT_TRUE(lib.add_definitions(custom).ok());
  auto g = compile_grok(lib, pattern);
  EXPECT_TRUE(g.ok()) << g.status();
  return g.ok() ? std::move(*g) : nullptr;
}

std::string error_of(const std::string& pattern, const std::string& custom = "") {
  GrokLibrary lib;
  Status st = lib.add_definitions(custom);
  if (!st.ok()) return std::string(st.message());
  auto g = compile_grok(lib, pattern);
  return g.ok() ? "" : std::string(g.status().message());
}

std::vector<std::string> match(const CompiledGrok& g, std::string_view line) {
  std::vector<std::string_view> values;
  std::vector<std::string> out;
  if (!g.match(line, &values)) return out;
  for (auto v : values) out.push_back(v.data() ? std::string(v) : "<null>");
  return out;
}

TEST(GrokCompiler, ExpandsNestedPatternsIntoNamedTypedFields) {
  auto g = compile_ok("%{IP:client} %{WORD:method} %{NUMBER:bytes:int} %{NUMBER:ms:double}");
  ASSERT_TRUE(g);
  ASSERT_EQ(g->fields().size(), 4u);
  EXPECT_EQ(g->fields()[0].name, "client");
  EXPECT_EQ(g->fields()[0].type->kind(), TypeKind::kString);
  EXPECT_EQ(g->fields()[2].type->kind(), TypeKind::kInt);
  EXPECT_EQ(g->fields()[3].type->kind(), TypeKind::kDouble);
  EXPECT_EQ(match(*g, "10.0.0.1 GET 512 3.25"),
            (std::vector<std::string>{"10.0.0.1", "GET", "512", "3.25"}));
  EXPECT_TRUE(match(*g, "GET GET x y").empty());
}

TEST(GrokCompiler, AllTypeSuffixes) {
  auto g = compile_ok("%{WORD:a:int} %{WORD:b:long} %{WORD:c:float} %{WORD:d:double} "
                      "%{WORD:e:boolean} %{WORD:f:string} %{WORD:g}");
  ASSERT_TRUE(g);
  std::vector<TypeKind> kinds;
  for (const auto& f : g->fields()) kinds.push_back(f.type->kind());
  EXPECT_EQ(kinds, (std::vector<TypeKind>{TypeKind::kInt, TypeKind::kBigInt, TypeKind::kFloat,
                                          TypeKind::kDouble, TypeKind::kBoolean, TypeKind::kString,
                                          TypeKind::kString}));
  EXPECT_NE(error_of("%{WORD:a:decimal}").find("unknown type 'decimal'"), std::string::npos);
}

TEST(GrokCompiler, UnnamedReferencesAndPlainGroupsAreNotColumns) {
  auto g = compile_ok("(%{WORD}|-) %{INT:n} (a|b)");
  ASSERT_TRUE(g);
  ASSERT_EQ(g->fields().size(), 1u);
  EXPECT_EQ(match(*g, "x 42 b"), (std::vector<std::string>{"42"}));
}

TEST(GrokCompiler, CustomPatternsCanUseBuiltinsAndOverrideThem) {
  auto g = compile_ok("%{REQID:id} %{MYWORD:w}", "# comment\nREQID req-%{INT}\n\nMYWORD [xyz]+\r\n");
  ASSERT_TRUE(g);
  EXPECT_EQ(match(*g, "req-17 zzy"), (std::vector<std::string>{"req-17", "zzy"}));
  auto over = compile_ok("%{INT:n}", "INT [a-c]+");
  ASSERT_TRUE(over);
  EXPECT_EQ(match(*over, "12 abc"), (std::vector<std::string>{"abc"}));
  EXPECT_NE(error_of("%{X}", "X").find("customPatterns line 1"), std::string::npos);
}

TEST(GrokCompiler, OnigurumaNamedGroupsBecomeFields) {
  auto g = compile_ok("(?<user>[a-z]+)@(?<host>%{HOSTNAME})");
  ASSERT_TRUE(g);
  ASSERT_EQ(g->fields().size(), 2u);
  EXPECT_EQ(g->fields()[1].name, "host");
  EXPECT_EQ(match(*g, "mail bob@example.com"), (std::vector<std::string>{"bob", "example.com"}));
  EXPECT_NE(g->regex().find("(?P<"), std::string::npos);
}

TEST(GrokCompiler, RepeatedFieldNameIsOneColumnFirstMatchWins) {
  auto g = compile_ok("(?:%{INT:v}|%{WORD:v})");
  ASSERT_TRUE(g);
  ASSERT_EQ(g->fields().size(), 1u);
  EXPECT_EQ(match(*g, "abc"), (std::vector<std::string>{"abc"}));
  EXPECT_EQ(match(*g, "12"), (std::vector<std::string>{"12"}));
}

TEST(GrokCompiler, OptionalCaptureThatDidNotTakePartIsNull) {
  auto g = compile_ok("%{WORD:a}(?: %{INT:b})?$");
  ASSERT_TRUE(g);
  EXPECT_EQ(match(*g, "x"), (std::vector<std::string>{"x", "<null>"}));
}

TEST(GrokCompiler, CyclesAreDetected) {
  std::string e = error_of("%{A}", "A x%{B}\nB y%{A}");
  EXPECT_NE(e.find("cycle: A -> B -> A"), std::string::npos) << e;
  EXPECT_NE(error_of("%{SELF}", "SELF %{SELF}").find("cycle"), std::string::npos);
}

TEST(GrokCompiler, UnknownAndMalformedReferences) {
  EXPECT_NE(error_of("%{NO_SUCH_PATTERN:x}").find("unknown pattern %{NO_SUCH_PATTERN}"),
            std::string::npos);
  EXPECT_NE(error_of("%{WORD").find("unterminated"), std::string::npos);
  EXPECT_NE(error_of("%{:x}").find("bad reference"), std::string::npos);
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
}

TEST(GrokCompiler, LookaroundAndBackreferencesAreRefusedNamingThePattern) {
  std::string e = error_of("%{LA}", "LA foo(?=bar)");
  EXPECT_NE(e.find("grok pattern LA uses lookaround (?="), std::string::npos) << e;
  e = error_of("(?<!x)y");
  EXPECT_NE(e.find("logFormat uses lookaround (?<!"), std::string::npos) << e;
  e = error_of("%{BR}", "BR (a)\\1");
  EXPECT_NE(e.find("grok pattern BR uses a backreference"), std::string::npos) << e;
  // A class containing "(?=" literally is fine.
  EXPECT_EQ(error_of("[(?=]+"), "");
}

TEST(GrokCompiler, InvalidRegexIsAnErrorNotACrash) {
  EXPECT_NE(error_of("(unclosed").find("RE2"), std::string::npos);
  EXPECT_NE(error_of("[a-").find("unterminated"), std::string::npos);
}

TEST(GrokCompiler, ExponentialExpansionIsBounded) {
  std::string custom = "P0 a\n";
  for (int i = 1; i <= 40; ++i)
    custom += "P" + std::to_string(i) + " %{P" + std::to_string(i - 1) + "}%{P" +
              std::to_string(i - 1) + "}\n";
  EXPECT_NE(error_of("%{P40}", custom).find("expands to more than"), std::string::npos);
}

TEST(GrokCompiler, AtomicGroupsAreAccepted) {
  auto g = compile_ok("(?>a+) %{WORD:w} \\h+ [\\h-]+");
  ASSERT_TRUE(g);
  EXPECT_EQ(match(*g, "aa b 9f 0-A"), (std::vector<std::string>{"b"}));
  EXPECT_TRUE(match(*g, "aa b 9g 0").empty());
}

// Every built-in pattern compiles with RE2 on its own.
TEST(GrokCompiler, EveryBuiltinPatternCompiles) {
  GrokLibrary lib;
  int count = 0;
  for (const auto& def : builtin_grok_patterns()) {
    auto g = compile_grok(lib, "%{" + std::string(def.name) + "}");
    EXPECT_TRUE(g.ok()) << def.name << ": " << g.status();
    ++count;
  }
  EXPECT_GT(count, 300);
}

TEST(GrokCompiler, BuiltinLogFormats) {
  auto apache = compile_ok("%{COMBINEDAPACHELOG}");
  ASSERT_TRUE(apache);
  auto v = match(*apache,
                 "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /a.gif HTTP/1.0\" 200 2326 "
                 "\"http://x/\" \"Mozilla/4.08\"");
  ASSERT_FALSE(v.empty());
  std::map<std::string, std::string> row;
  for (size_t i = 0; i < v.size(); ++i) row[apache->fields()[i].name] = v[i];
  EXPECT_EQ(row["clientip"], "127.0.0.1");
  EXPECT_EQ(row["auth"], "frank");
  EXPECT_EQ(row["timestamp"], "10/Oct/2000:13:55:36 -0700");
  EXPECT_EQ(row["verb"], "GET");
  EXPECT_EQ(row["request"], "/a.gif");
  EXPECT_EQ(row["response"], "200");
  EXPECT_EQ(row["bytes"], "2326");
  EXPECT_EQ(row["referrer"], "\"http://x/\"");
  EXPECT_EQ(row["agent"], "\"Mozilla/4.08\"");

  auto syslog = compile_ok("%{SYSLOGLINE}");
  ASSERT_TRUE(syslog);
  v = match(*syslog, "Nov 24 01:02:03 web1 sshd[411]: Accepted publickey for bob");
  ASSERT_FALSE(v.empty());
  row.clear();
  for (size_t i = 0; i < v.size(); ++i) row[syslog->fields()[i].name] = v[i];
  EXPECT_EQ(row["logsource"], "web1");
  EXPECT_EQ(row["program"], "sshd");
  EXPECT_EQ(row["pid"], "411");
  EXPECT_EQ(row["message"], "Accepted publickey for bob");
}

}  // namespace
}  // namespace mortar::formats::grok

#include "formats/grok/grok_detect.h"

namespace mortar::formats::grok {
namespace {

TEST(GrokDetect, KnownLogFormatsAreRecognised) {
  for (auto name : known_log_formats()) {
    GrokLibrary lib;
    EXPECT_TRUE(compile_grok(lib, "^%{" + std::string(name) + "}$").ok()) << name;
  }
  const std::string combined =
      "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /a.gif HTTP/1.0\" 200 2326 "
      "\"http://x/\" \"Mozilla/4.08\"\n";
  const std::string common = "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 404 -\n";
  const std::string syslog = "Nov 24 01:02:03 web1 sshd[411]: Accepted publickey for bob\n";
  EXPECT_EQ(detect_log_format(combined + combined), "COMBINEDAPACHELOG");
  EXPECT_EQ(detect_log_format(common + common + "\n"), "COMMONAPACHELOG");
  EXPECT_EQ(detect_log_format(syslog + syslog + "Nov 24 01:02:0"), "SYSLOGLINE");
  EXPECT_EQ(detect_log_format("a,b,c\n1,2,3\n"), std::nullopt);
  EXPECT_EQ(detect_log_format(""), std::nullopt);
  // Mostly syslog, below the 80% bar: not claimed.
  EXPECT_EQ(detect_log_format(syslog + "x\ny\n"), std::nullopt);
}

}  // namespace
}  // namespace mortar::formats::grok
