// Throughput of the CSV tokenizer alone and of the whole reader (tokenize +
// convert into typed columns), on a generated file. Not part of the build:
//   g++ -O2 -std=c++20 -Isrc bench/formats/csv_throughput.cc <libs...>
// (bench/formats/run_bench.py builds and runs it).
#include <chrono>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "formats/csv/csv_format.h"
#include "formats/csv/csv_tokenizer.h"
#include "io/file_system.h"

using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: csv_throughput FILE.csv [threads]\n");
    return 2;
  }
  std::string threads = argc > 2 ? argv[2] : "2";
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string data = ss.str();
  // Tokenizer only, 8 MiB blocks as the reader uses.
  mortar::formats::csv::CsvIndex index;
  mortar::formats::csv::Dialect dialect;
  // Wall time and process CPU time (the machine may be shared).
  std::clock_t c0 = std::clock();
  auto t0 = Clock::now();
  size_t rows = 0;
  const size_t block = 8 << 20;
  for (size_t pos = 0; pos < data.size();) {
    size_t len = std::min(block, data.size() - pos);
    bool final = pos + len == data.size();
    mortar::formats::csv::tokenize(data.data() + pos, len, dialect, final, &index);
    rows += index.num_rows();
    pos += index.consumed ? index.consumed : len;
  }
  double tok = std::chrono::duration<double>(Clock::now() - t0).count();
  double tok_cpu = double(std::clock() - c0) / CLOCKS_PER_SEC;
  std::printf("tokenizer: %.2f GB/s wall, %.2f GB/s per CPU second (%zu rows)\n",
              data.size() / tok / 1e9, data.size() / tok_cpu / 1e9, rows);
  // Full reader.
  mortar::formats::ReadOptions o;
  o.format_options = {{"withHeader", "true"}, {"threads", threads}};
  std::clock_t c1 = std::clock();
  auto t1 = Clock::now();
  auto reader = mortar::formats::csv_format().open_reader(mortar::io::local_file_system(), argv[1], o);
  if (!reader.ok()) {
    std::fprintf(stderr, "%s\n", std::string(reader.status().message()).c_str());
    return 1;
  }
  int64_t n = 0;
  for (;;) {
    auto b = (*reader)->next();
    if (!b.ok()) {
      std::fprintf(stderr, "%s\n", std::string(b.status().message()).c_str());
      return 1;
    }
    if (!*b) break;
    n += (*b)->num_rows();
  }
  double full = std::chrono::duration<double>(Clock::now() - t1).count();
  double full_cpu = double(std::clock() - c1) / CLOCKS_PER_SEC;
  std::printf("reader (%s threads): %.2f GB/s wall, %.2f GB/s per CPU second (%lld rows, %.2f s)\n",
              threads.c_str(), data.size() / full / 1e9, data.size() / full_cpu / 1e9,
              static_cast<long long>(n), full);
  return 0;
}
