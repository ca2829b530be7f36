#include "evalkit/base/git_head.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/process.h"

namespace evalkit {
namespace {

namespace fs = std::filesystem;

const std::string kCommitA = "0123456789abcdef0123456789abcdef01234567";
const std::string kCommitB = "89abcdef0123456789abcdef0123456789abcdef";

// A folder outside any checkout (the build tree is inside one).
std::string scratch_dir() {
  char pattern[] = "/tmp/evalkit-git-head-XXXXXX";
  const char* dir = mkdtemp(pattern);
  return dir ? dir : "";
}

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

TEST(GitHeadTest, LooseRefFromASubfolder) {
  const fs::path root = scratch_dir();
  write(root / ".git/HEAD", "ref: refs/heads/main\n");
  write(root / ".git/refs/heads/main", kCommitA + "\n");
  fs::create_directories(root / "evals/deep");
  EXPECT_EQ(git_head_commit((root / "evals/deep").string()), kCommitA);
  fs::remove_all(root);
}

TEST(GitHeadTest, PackedRefAndDetachedHead) {
  const fs::path root = scratch_dir();
  write(root / ".git/HEAD", "ref: refs/heads/release\n");
  write(root / ".git/packed-refs", "# pack-refs with: peeled fully-peeled sorted\n" + kCommitB +
                                       " refs/heads/main\n" + kCommitA + " refs/heads/release\n");
  EXPECT_EQ(git_head_commit(root.string()), kCommitA);
  write(root / ".git/HEAD", kCommitB + "\n");
  EXPECT_EQ(git_head_commit(root.string()), kCommitB);
  fs::remove_all(root);
}

TEST(GitHeadTest, WorktreeReadsBranchFromCommonFolder) {
  const fs::path root = scratch_dir();
  write(root / "repo/.git/refs/heads/feature", kCommitB + "\n");
  write(root / "repo/.git/worktrees/wt/HEAD", "ref: refs/heads/feature\n");
  write(root / "repo/.git/worktrees/wt/commondir", "../..\n");
  write(root / "wt/.git", "gitdir: " + (root / "repo/.git/worktrees/wt").string() + "\n");
  EXPECT_EQ(git_head_commit((root / "wt").string()), kCommitB);
  fs::remove_all(root);
}

TEST(GitHeadTest, NoCheckoutOrGarbageGivesEmpty) {
  const fs::path root = scratch_dir();
  EXPECT_EQ(git_head_commit(root.string()), "");
  write(root / ".git/HEAD", "ref: refs/heads/../../../../etc/passwd\n");
  EXPECT_EQ(git_head_commit(root.string()), "");
  write(root / ".git/HEAD", "not a commit\n");
  EXPECT_EQ(git_head_commit(root.string()), "");
  fs::remove_all(root);
}

TEST(GitHeadTest, AgreesWithGitOnARealRepository) {
  // The folder's name would run a command if it were ever put in a shell string.
  const fs::path root = fs::path(scratch_dir()) / "evals'$(touch pwned)'";
  fs::create_directories(root);
  testing::ProcessOptions options;
  options.working_dir = root.string();
  options.env = {{"GIT_AUTHOR_NAME", "t"},
                 {"GIT_AUTHOR_EMAIL", "t@example.com"},
                 {"GIT_COMMITTER_NAME", "t"},
                 {"GIT_COMMITTER_EMAIL", "t@example.com"}};
  ASSERT_EQ(testing::run_process({"/usr/bin/git", "init", "-q"}, options).exit_code, 0);
  ASSERT_EQ(
      testing::run_process({"/usr/bin/git", "commit", "-q", "--allow-empty", "-m", "x"}, options)
          .exit_code,
      0);
  ASSERT_EQ(testing::run_process({"/usr/bin/git", "pack-refs", "--all"}, options).exit_code, 0);
  std::string expected = testing::run_process({"/usr/bin/git", "rev-parse", "HEAD"}, options).out;
  while (!expected.empty() && expected.back() == '\n') expected.pop_back();
  EXPECT_EQ(git_head_commit(root.string()), expected);
  EXPECT_FALSE(fs::exists(root / "pwned"));
  EXPECT_FALSE(fs::exists(root.parent_path() / "pwned"));
  fs::remove_all(root.parent_path());
}

}  // namespace
}  // namespace evalkit
