// Hostile input never crashes a classifier: random and mutated text through
// the CSV sniffers, the JSON record scanner and the whole FileClassifier.
#include <gtest/gtest.h>

#include <random>

#include "crawler/classify/classify_steps.h"
#include "crawler/classify/csv_classifier.h"
#include "crawler/classify/file_classifier.h"
#include "formats/testing_util.h"

namespace mortar::crawler {
namespace {

std::string random_text(std::mt19937& rng, size_t n) {
  static const std::string kAlphabet = "ab1,;|\t\"'\\\n\r {}[]<>/:=-.x\x01";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    if (rng() % 50 == 0) s += static_cast<char>(rng() % 256);
    else s += kAlphabet[rng() % kAlphabet.size()];
  }
  return s;
}

TEST(ClassifierRobustness, RandomTextThroughTheSniffers) {
  std::mt19937 rng(12345);
  for (int iter = 0; iter < 2000; ++iter) {
    std::string text = random_text(rng, rng() % 600);
    bool complete = rng() % 2;
    CsvResult g = classify_csv_glue(text, complete, {});
    CsvResult s = classify_csv_smart({CsvChunk{text, true, complete}, CsvChunk{text, false, true}}, {});
    for (const CsvResult* r : {&g, &s}) {
      if (!r->matched) continue;
      ASSERT_EQ(r->names.size(), r->types.size());
      ASSERT_FALSE(r->names.empty());
      ASSERT_GE(r->records, 0);
    }
    int64_t records = 0;
    bool in_array = false;
    size_t prefix = json_complete_prefix(text, &records, &in_array);
    ASSERT_LE(prefix, text.size());
  }
}

TEST(ClassifierRobustness, MutatedFilesClassifyWithoutCrashing) {
  formats::testing::TempDir dir;
  const std::vector<std::string> seeds = {
      "id,name\n1,\"a\"\n2,\"b\"\n", "{\"a\":[1,{\"b\":2}]}\n{\"a\":[]}\n",
      "<r><i a=\"1\"><x>1</x></i><i><x>2</x></i></r>", "PAR1\x01\x02PAR1", std::string("Obj\x01\x00\x00", 6),
      "ORC\x00\x01", std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00", 8), "PK\x03\x04garbage"};
  std::mt19937 rng(777);
  auto classifier = FileClassifier::create({}, ClassifyOptions{true});
  ASSERT_TRUE(classifier.ok());
  for (int iter = 0; iter < 300; ++iter) {
    std::string data = seeds[iter % seeds.size()];
    for (int k = rng() % 6; k > 0 && !data.empty(); --k) data[rng() % data.size()] = static_cast<char>(rng() % 256);
    if (rng() % 3 == 0) data.resize(rng() % (data.size() + 1));
    std::string path = dir.file("f" + std::to_string(iter));
    formats::testing::write_text(path, data);
    FileEntry f{path, static_cast<int64_t>(data.size()), 0, ""};
    auto c = (*classifier)->classify(io::local_file_system(), f);
    ASSERT_TRUE(c.ok()) << c.status();
    if (c->classification == "UNKNOWN") {
      ASSERT_FALSE(c->schema) << path;
    } else {
      ASSERT_TRUE(c->schema) << path;
      ASSERT_GT(c->certainty, 0.0);
    }
  }
}

}  // namespace
}  // namespace mortar::crawler
