// hpack: decode and encode hpack-test-case stories with h2engine's HPACK codec.
//
//   hpack decode FILE...
//   hpack encode [--table-size N] [--no-huffman] [-o DIR] FILE...
//
// See hpack/tools/README.md. Exit status: 0 success, 1 a story failed to decode (or a file
// could not be read or parsed), 2 usage error.

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "hpack/tools/story.h"
#include "hpack/tools/story_codec.h"
#include "hpack/tools/story_files.h"

namespace h2engine::hpack::tools {
namespace {

constexpr char kUsage[] =
    "Usage:\n"
    "  hpack decode FILE...\n"
    "      Decode every case of each hpack-test-case story FILE in order (one decoding\n"
    "      context per story, honouring header_table_size) and compare with its headers.\n"
    "      Prints 'FILE: ok (N cases)' or 'FILE: mismatch at seqno N: ...' per story.\n"
    "  hpack encode [--table-size N] [--no-huffman] [-o DIR] FILE...\n"
    "      Encode the headers of each story FILE (e.g. raw-data/story_00.json) with one\n"
    "      encoder per story and write story JSON with wire filled in: to stdout (one FILE),\n"
    "      or to DIR/<basename of FILE> for each FILE.\n"
    "      --table-size N   the peer's SETTINGS_HEADER_TABLE_SIZE (default 4096), written as\n"
    "                       header_table_size of the first case\n"
    "      --no-huffman     never Huffman-code string literals\n"
    "  hpack --help\n"
    "\n"
    "Exit status: 0 success; 1 a story failed or a file could not be read, parsed or\n"
    "written; 2 usage error.\n";

int Usage(const std::string& message) {
  std::fprintf(stderr, "hpack: %s\n\n%s", message.c_str(), kUsage);
  return 2;
}

bool ParseUint32(std::string_view s, uint32_t* out) {
  if (s.empty() || s.size() > 10) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > UINT32_MAX) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

int Decode(const std::vector<std::string>& files) {
  int status = 0;
  for (const std::string& file : files) {
    Story story;
    std::string error;
    if (!LoadStory(file, &story, &error)) {
      std::printf("%s: error: %s\n", file.c_str(), error.c_str());
      status = 1;
      continue;
    }
    StoryDecodeOptions options;
    if (!DecodeStory(story, options, &error)) {
      std::printf("%s: %s\n", file.c_str(), error.c_str());
      status = 1;
      continue;
    }
    std::printf("%s: ok (%zu cases)\n", file.c_str(), story.cases.size());
  }
  return status;
}

bool WriteFile(const std::string& path, const std::string& data, std::string* error) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    *error = "cannot create " + path + ": " + std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) *error = "cannot write " + path + ": " + std::strerror(errno);
  return ok;
}

int Encode(const std::vector<std::string>& files, const StoryEncodeOptions& options,
           const std::string& out_dir) {
  if (out_dir.empty() && files.size() > 1) {
    return Usage("encoding several files needs -o DIR (one output file per input)");
  }
  std::set<std::string> names;
  for (const std::string& file : files) {
    if (!out_dir.empty() && !names.insert(BaseName(file)).second) {
      return Usage("two inputs named " + BaseName(file) + " would overwrite each other in " +
                   out_dir);
    }
  }
  int status = 0;
  for (const std::string& file : files) {
    Story story;
    std::string error;
    if (!LoadStory(file, &story, &error)) {
      std::fprintf(stderr, "%s: error: %s\n", file.c_str(), error.c_str());
      status = 1;
      continue;
    }
    Story encoded = EncodeStory(story, options);
    std::string json;
    if (!StoryToJson(encoded, &json, &error)) {
      std::fprintf(stderr, "%s: error: %s\n", file.c_str(), error.c_str());
      status = 1;
      continue;
    }
    if (out_dir.empty()) {
      if (std::fwrite(json.data(), 1, json.size(), stdout) != json.size()) {
        std::fprintf(stderr, "hpack: cannot write to stdout\n");
        return 1;
      }
      continue;
    }
    std::string out_path = out_dir + "/" + BaseName(file);
    if (!WriteFile(out_path, json, &error)) {
      std::fprintf(stderr, "%s: error: %s\n", file.c_str(), error.c_str());
      status = 1;
    }
  }
  return status;
}

int Main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) return Usage("missing command");
  for (std::string_view a : args) {
    if (a == "--help" || a == "-h" || a == "help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  std::string_view command = args[0];
  StoryEncodeOptions encode_options;
  std::string out_dir;
  std::vector<std::string> files;
  bool options_done = false;
  for (size_t i = 1; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (options_done || a.empty() || a[0] != '-' || a == "-") {
      files.emplace_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
    } else if (command == "encode" && a == "--no-huffman") {
      encode_options.use_huffman = false;
    } else if (command == "encode" && (a == "--table-size" || a.starts_with("--table-size="))) {
      std::string_view value;
      if (a == "--table-size") {
        if (i + 1 == args.size()) return Usage("--table-size needs a value");
        value = args[++i];
      } else {
        value = a.substr(std::string_view("--table-size=").size());
      }
      if (!ParseUint32(value, &encode_options.table_size)) {
        return Usage("--table-size: not a number from 0 to 4294967295: " + std::string(value));
      }
    } else if (command == "encode" && a == "-o") {
      if (i + 1 == args.size()) return Usage("-o needs a directory");
      out_dir = std::string(args[++i]);
    } else {
      return Usage("unknown option for " + std::string(command) + ": " + std::string(a));
    }
  }
  if (command != "decode" && command != "encode") {
    return Usage("unknown command: " + std::string(command));
  }
  if (files.empty()) return Usage("no story files given");
  if (command == "decode") return Decode(files);
  return Encode(files, encode_options, out_dir);
}

}  // namespace
}  // namespace h2engine::hpack::tools

int main(int argc, char** argv) { return h2engine::hpack::tools::Main(argc, argv); }
