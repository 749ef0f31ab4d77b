#include "hpack/tools/story_files.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace h2engine::hpack::tools {

namespace {

constexpr char kRelativeDir[] = "testdata/hpack-test-case";
constexpr char kWorkspace[] = "h2engine";

bool HoldsStories(const std::string& dir) {
  std::error_code ec;
  return std::filesystem::is_directory(dir + "/raw-data", ec);
}

}  // namespace

std::string FindHpackTestCaseDir(const char* argv0) {
  if (const char* env = std::getenv("H2ENGINE_HPACK_TESTDATA"); env != nullptr && *env) {
    return env;
  }
  std::vector<std::string> candidates;
  for (const char* var : {"TEST_SRCDIR", "RUNFILES_DIR"}) {
    if (const char* root = std::getenv(var); root != nullptr && *root) {
      candidates.push_back(std::string(root) + "/" + kWorkspace + "/" + kRelativeDir);
    }
  }
  if (argv0 != nullptr && *argv0) {
    candidates.push_back(std::string(argv0) + ".runfiles/" + kWorkspace + "/" + kRelativeDir);
  }
  candidates.push_back(kRelativeDir);
  for (const std::string& dir : candidates) {
    if (HoldsStories(dir)) return dir;
  }
  return "";
}

bool ListStoryFiles(const std::string& dir, std::vector<std::string>* out, std::string* error) {
  out->clear();
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::filesystem::path& p = it->path();
    if (p.extension() == ".json") out->push_back(p.string());
  }
  if (ec) {
    *error = "cannot list " + dir + ": " + ec.message();
    return false;
  }
  std::sort(out->begin(), out->end());
  return true;
}

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace h2engine::hpack::tools
