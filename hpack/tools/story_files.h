// Finding hpack-test-case story files on disk: the testdata directory from tests, benchmarks
// and `bazel run` (runfiles), and the story files in a folder.

#ifndef H2ENGINE_HPACK_TOOLS_STORY_FILES_H_
#define H2ENGINE_HPACK_TOOLS_STORY_FILES_H_

#include <string>
#include <vector>

namespace h2engine::hpack::tools {

// FindHpackTestCaseDir returns the path of testdata/hpack-test-case (the folder holding
// raw-data/), trying in order: $H2ENGINE_HPACK_TESTDATA; the Bazel runfiles trees
// ($TEST_SRCDIR, $RUNFILES_DIR, then `argv0`.runfiles, each + "/h2engine/..."); the current
// directory (a test's or `bazel run`'s working directory is its runfiles tree, and a checkout's
// root works too). Returns "" if none holds raw-data/.
std::string FindHpackTestCaseDir(const char* argv0 = nullptr);

// ListStoryFiles stores the paths of the *.json files directly in `dir`, sorted, into *out.
// False with *error if the folder cannot be read.
[[nodiscard]] bool ListStoryFiles(const std::string& dir, std::vector<std::string>* out,
                                  std::string* error);

// BaseName returns the last path component ("a/b/story_00.json" -> "story_00.json").
std::string BaseName(const std::string& path);

}  // namespace h2engine::hpack::tools

#endif  // H2ENGINE_HPACK_TOOLS_STORY_FILES_H_
