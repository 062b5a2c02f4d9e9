// FileClassifier: custom classifiers in the crawler's order, then the
// built-ins in Glue's order; certainty 1.0 wins at once, else the highest
// above 0, else UNKNOWN (with the most telling error, if a file was corrupt).
#include "crawler/classify/file_classifier.h"

#include <fmt/format.h>

#include "crawler/classify/classify_steps.h"
#include "crawler/classify/custom_classifier.h"

namespace mortar::crawler {

namespace {

// The smart fallback wants a table with a few polluted rows (a stray quote, a
// ragged row), not one made up from prose or a log: Glue's delimiters only,
// and most sampled rows of one width.
constexpr double kFallbackConsistency = 0.9;

class FileClassifierImpl : public FileClassifier {
 public:
  FileClassifierImpl(std::vector<std::unique_ptr<CustomClassifier>> custom, ClassifyOptions options)
      : custom_(std::move(custom)), options_(options) {}

  StatusOr<Classification> classify(io::FileSystem& fs, const FileEntry& file) const override {
    Classification unknown;
    auto sample = SampleReader::open(fs, file.path);
    if (!sample.ok()) return failed(file, "cannot open: ", sample.status());
    Status st = (*sample)->extend_to(kHeadBytes);
    if (!st.ok()) return failed(file, "cannot read: ", st);
    if ((*sample)->data().empty()) {
      unknown.reason = "empty file";
      unknown.compression_type = (*sample)->compression();
      return unknown;
    }
    ClassifyInput in{fs, file, **sample, options_.smart_csv};

    Classification best;
    std::string first_error;
    std::vector<std::string> misses;
    auto consider = [&](Classification c) -> bool {
      if (!c.error.empty() && first_error.empty()) first_error = c.error;
      if (c.certainty > best.certainty) {
        best = std::move(c);
      } else if (c.certainty <= 0.0 && !c.reason.empty()) {
        misses.push_back(c.reason);
      }
      return best.certainty >= 1.0;
    };
    bool done = false;
    for (const auto& custom : custom_) {
      if ((done = consider(custom->classify(in)))) break;
    }
    if (!done) done = consider(classify_metadata_format(in));
    // A corrupt Avro/ORC/Parquet file is not text: stop there.
    if (!done && !first_error.empty() && best.certainty <= 0.0) return failed_with(file, first_error, **sample);
    if (!done) done = consider(classify_json(in, ""));
    if (!done) done = consider(classify_xml(in, ""));
    if (!done) done = consider(classify_builtin_log(in));
    if (!done) {
      CsvSettings csv;
      csv.max_records = kCsvRecords;
      Classification c = classify_csv(in, csv, options_.smart_csv);
      // Glue's rules gave UNKNOWN and so did every other built-in: a text
      // file with one stray quote or ragged row may still be a CSV table.
      if (best.certainty <= 0.0 && c.certainty <= 0.0 && c.error.empty() && !options_.smart_csv &&
          options_.smart_csv_fallback) {
        CsvSettings strict = csv;
        strict.min_consistency = kFallbackConsistency;
        strict.try_space = false;
        Classification smart = classify_csv(in, strict, /*smart=*/true);
        if (smart.certainty > 0.0) {
          smart.classifier_name = kCsvSmartFallback;
          smart.reason = fmt::format(
              "Glue's built-in CSV rules gave UNKNOWN ({}); the smart sniffer "
              "(fallback) matched: {}",
              c.reason, smart.reason);
          c = std::move(smart);
        } else if (!smart.reason.empty()) {
          c.reason += "; smart sniffer fallback: " + smart.reason;
        }
      }
      consider(std::move(c));
    }
    if (best.certainty <= 0.0) {
      if (!first_error.empty()) return failed_with(file, first_error, **sample);
      unknown.compression_type = (*sample)->compression();
      unknown.reason = "no classifier recognised the file";
      for (const auto& m : misses) unknown.reason += "; " + m;
      return unknown;
    }
    best.compression_type = (*sample)->compression();
    fill_storage_for(best.classification, best);
    return best;
  }

 private:
  static Classification failed(const FileEntry& file, const std::string& what, const Status& st) {
    Classification c;
    std::string msg(status_message(st));
    c.error = msg.find(file.path) == std::string::npos ? file.path + ": " + what + msg : what + msg;
    c.reason = c.error;
    return c;
  }
  static Classification failed_with(const FileEntry& file, const std::string& error, const SampleReader& s) {
    Classification c;
    c.error = error.find(file.path) == std::string::npos ? file.path + ": " + error : error;
    c.reason = c.error;
    c.compression_type = s.compression();
    return c;
  }

  std::vector<std::unique_ptr<CustomClassifier>> custom_;
  ClassifyOptions options_;
};

}  // namespace

std::string describe_classifier(const std::string& name) {
  if (name == kCsvGlueRules) return "Glue's built-in CSV rules";
  if (name == kCsvSmartSniffer) return "the smart CSV sniffer (Mortar.CsvSniffer smart)";
  if (name == kCsvSmartFallback)
    return "the smart CSV sniffer, as the fallback after Glue's built-in rules gave UNKNOWN "
           "(Mortar.SmartCsvFallback)";
  if (name == "json" || name == "xml" || name == "avro" || name == "orc" || name == "parquet")
    return fmt::format("the built-in {} classifier", name);
  if (name.empty()) return "no classifier";
  return fmt::format("classifier {}", name);
}

StatusOr<std::unique_ptr<FileClassifier>> FileClassifier::create(const std::vector<Json>& custom_classifiers,
                                                                 ClassifyOptions options) {
  std::vector<std::unique_ptr<CustomClassifier>> custom;
  for (const Json& def : custom_classifiers) {
    MORTAR_ASSIGN_OR_RETURN(auto c, CustomClassifier::parse(def));
    custom.push_back(std::move(c));
  }
  return std::unique_ptr<FileClassifier>(new FileClassifierImpl(std::move(custom), options));
}

}  // namespace mortar::crawler
