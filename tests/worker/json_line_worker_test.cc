// The JSON-lines worker: one long-lived process, restarted after a crash, a timeout or a
// broken answer; its process group killed; stderr kept and masked; evalkit never hurt by it.
#include "evalkit/worker/json_line_worker.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "evalkit/worker/worker_pool.h"
#include "tests/support/process.h"

namespace evalkit {
namespace {

// A Python worker whose body handles `request` (a dict) and prints its answer.
WorkerCommand python_worker(const std::string& body) {
  const std::string program =
      "import json, os, sys, time, subprocess\n"
      "for line in sys.stdin:\n"
      "    request = json.loads(line)\n" +
      body;
  return {{"python3", "-c", program}, "", "test-worker"};
}

const char* kEcho =
    "    print(json.dumps({'echo': request.get('n'), 'pid': os.getpid()}), flush=True)\n";

bool process_gone(pid_t pid) {
  if (kill(pid, 0) != 0) return true;
  // A zombie waiting for its reaper has ended too.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');
  return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] == 'Z';
}

TEST(JsonLineWorkerTest, OneProcessAnswersManyRequests) {
  JsonLineWorker worker(python_worker(kEcho));
  pid_t first_pid = 0;
  for (int n = 0; n < 50; ++n) {
    const WorkerReply reply = worker.call({{"n", n}}, 10);
    ASSERT_EQ(reply.failure, WorkerFailure::kNone) << reply.error;
    EXPECT_EQ(reply.answer.at("echo"), n);
    if (n == 0) first_pid = reply.answer.at("pid").get<pid_t>();
    EXPECT_EQ(reply.answer.at("pid").get<pid_t>(), first_pid);
  }
  EXPECT_EQ(worker.pid(), first_pid);
}

TEST(JsonLineWorkerTest, RestartsAfterACrashAndQuotesStderr) {
  JsonLineWorker worker(
      python_worker("    if request.get('crash'):\n"
                    "        print('Traceback: boom in the check', file=sys.stderr, flush=True)\n"
                    "        os._exit(3)\n" +
                    std::string(kEcho)));
  const WorkerReply before = worker.call({{"n", 1}}, 10);
  ASSERT_EQ(before.failure, WorkerFailure::kNone) << before.error;
  const WorkerReply crash = worker.call({{"crash", true}}, 10);
  EXPECT_EQ(crash.failure, WorkerFailure::kExited);
  EXPECT_TRUE(crash.ever_answered);
  EXPECT_NE(crash.error.find("'test-worker' exited with status 3 before answering"),
            std::string::npos)
      << crash.error;
  EXPECT_NE(crash.error.find("stderr: Traceback: boom in the check"), std::string::npos)
      << crash.error;
  EXPECT_FALSE(worker.running());
  const WorkerReply after = worker.call({{"n", 2}}, 10);
  ASSERT_EQ(after.failure, WorkerFailure::kNone) << after.error;
  EXPECT_EQ(after.answer.at("echo"), 2);
  EXPECT_NE(after.answer.at("pid"), before.answer.at("pid"));
}

TEST(JsonLineWorkerTest, ACrashBySignalIsNamed) {
  JsonLineWorker worker(python_worker("    os.kill(os.getpid(), 11)\n"));
  const WorkerReply reply = worker.call({{"n", 1}}, 10);
  EXPECT_EQ(reply.failure, WorkerFailure::kExited);
  EXPECT_NE(reply.error.find("was killed by signal 11"), std::string::npos) << reply.error;
}

TEST(JsonLineWorkerTest, TimeoutKillsTheWholeProcessGroup) {
  const std::string dir = testing::make_temp_dir("worker_timeout");
  const std::string pid_file = dir + "/child.pid";
  JsonLineWorker worker(
      python_worker("    if request.get('n') == 0:\n"
                    "        print('{}', flush=True)\n"
                    "        continue\n"
                    "    child = subprocess.Popen(['sleep', '300'])\n"
                    "    open('" +
                    pid_file +
                    "', 'w').write(str(child.pid))\n"
                    "    time.sleep(300)\n"));
  ASSERT_EQ(worker.call({{"n", 0}}, 10).failure, WorkerFailure::kNone);
  const auto start = std::chrono::steady_clock::now();
  const WorkerReply reply = worker.call({{"n", 1}}, 1.0);
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(reply.failure, WorkerFailure::kTimeout);
  EXPECT_NE(reply.error.find("gave no answer within 1 s (process group killed)"), std::string::npos)
      << reply.error;
  EXPECT_LT(took, 10.0);
  EXPECT_FALSE(worker.running());
  std::ifstream in(pid_file);
  pid_t child = 0;
  in >> child;
  ASSERT_GT(child, 0);
  // The grandchild the script started is gone too: the group was killed, not just the leader.
  for (int i = 0; i < 200 && !process_gone(child); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(process_gone(child)) << "sleep " << child << " survived the timeout";
}

TEST(JsonLineWorkerTest, AFreshWorkerGetsTimeToStartAndANeverAnsweringOneIsNamed) {
  WorkerLimits limits;
  limits.start_grace_s = 5.0;
  // Starting takes longer than the request timeout: the first request still succeeds.
  JsonLineWorker slow_start({{"python3", "-c",
                              "import json, sys, time\ntime.sleep(0.6)\nfor line in sys.stdin:\n"
                              "    print(json.dumps({'ok': True}), flush=True)\n"},
                             "",
                             "slow-start"},
                            limits);
  EXPECT_EQ(slow_start.call({{"n", 1}}, 0.2).failure, WorkerFailure::kNone);
  // A worker that never answers (say, one whose answers sit in its stdout buffer) is named
  // with a hint.
  JsonLineWorker silent(
      {{"python3", "-c", "import sys\nfor line in sys.stdin:\n    pass\n"}, "", "silent"}, limits);
  const WorkerReply reply = silent.call({{"n", 1}}, 0.2);
  EXPECT_EQ(reply.failure, WorkerFailure::kTimeout);
  EXPECT_NE(reply.error.find("does it flush stdout after each line?"), std::string::npos)
      << reply.error;
}

TEST(JsonLineWorkerTest, GarbageOnStdoutIsAnErrorAndTheWorkerRestarts) {
  JsonLineWorker worker(
      python_worker("    if request.get('garbage'):\n"
                    "        print('Loaded model weights in 3.2 s', flush=True)\n"
                    "        continue\n"
                    "    if request.get('array'):\n"
                    "        print('[1, 2]', flush=True)\n"
                    "        continue\n" +
                    std::string(kEcho)));
  const WorkerReply garbage = worker.call({{"garbage", true}}, 10);
  EXPECT_EQ(garbage.failure, WorkerFailure::kMalformed);
  EXPECT_NE(garbage.error.find("answered with a line that is not JSON: 'Loaded model weights"),
            std::string::npos)
      << garbage.error;
  const WorkerReply array = worker.call({{"array", true}}, 10);
  EXPECT_EQ(array.failure, WorkerFailure::kMalformed);
  EXPECT_NE(array.error.find("not a JSON object"), std::string::npos) << array.error;
  const WorkerReply fine = worker.call({{"n", 7}}, 10);
  ASSERT_EQ(fine.failure, WorkerFailure::kNone) << fine.error;
  EXPECT_EQ(fine.answer.at("echo"), 7);
}

TEST(JsonLineWorkerTest, BlankLinesBeforeTheAnswerAreSkipped) {
  JsonLineWorker worker(python_worker("    print('', flush=True)\n" + std::string(kEcho)));
  const WorkerReply reply = worker.call({{"n", 3}}, 10);
  ASSERT_EQ(reply.failure, WorkerFailure::kNone) << reply.error;
  EXPECT_EQ(reply.answer.at("echo"), 3);
}

TEST(JsonLineWorkerTest, ExtraLinesPutTheWorkerOutOfStepAndItIsReplaced) {
  JsonLineWorker worker(python_worker(
      "    print(json.dumps({'echo': request.get('n'), 'pid': os.getpid()}), flush=True)\n"
      "    print(json.dumps({'echo': 'stale'}), flush=True)\n"));
  const WorkerReply first = worker.call({{"n", 1}}, 10);
  ASSERT_EQ(first.failure, WorkerFailure::kNone) << first.error;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const WorkerReply second = worker.call({{"n", 2}}, 10);
  ASSERT_EQ(second.failure, WorkerFailure::kNone) << second.error;
  // Never the stale line answering the wrong request.
  EXPECT_EQ(second.answer.at("echo"), 2);
}

TEST(JsonLineWorkerTest, AWorkerThatClosesItsStdinDoesNotKillEvalkit) {
  // The request is larger than a pipe buffer, so the write meets the closed pipe (EPIPE;
  // SIGPIPE would end this test process).
  JsonLineWorker worker(
      {{"python3", "-c", "import os, time\nos.close(0)\ntime.sleep(30)\n"}, "", "deaf"});
  const WorkerReply reply = worker.call({{"output", std::string(1 << 20, 'x')}}, 10);
  EXPECT_EQ(reply.failure, WorkerFailure::kNoInput);
  EXPECT_NE(reply.error.find("did not read its input"), std::string::npos) << reply.error;
  EXPECT_FALSE(worker.running());
}

TEST(JsonLineWorkerTest, AWorkerThatExitsAtOnceIsReportedAsExited) {
  JsonLineWorker worker({{"python3", "-c", "import sys\nsys.exit(4)\n"}, "", "quitter"});
  const WorkerReply reply = worker.call({{"output", std::string(1 << 20, 'x')}}, 10);
  EXPECT_EQ(reply.failure, WorkerFailure::kExited);
  EXPECT_NE(reply.error.find("exited with status 4"), std::string::npos) << reply.error;
  EXPECT_FALSE(reply.ever_answered);
}

TEST(JsonLineWorkerTest, AnswersOver32MiBAreRefused) {
  JsonLineWorker worker(
      python_worker("    sys.stdout.write('{\"x\": \"' + 'a' * (33 << 20))\n"
                    "    sys.stdout.flush()\n"
                    "    time.sleep(30)\n"));
  const WorkerReply reply = worker.call({{"n", 1}}, 20);
  EXPECT_EQ(reply.failure, WorkerFailure::kMalformed);
  EXPECT_NE(reply.error.find("answer exceeds 32 MiB"), std::string::npos) << reply.error;
}

TEST(JsonLineWorkerTest, DeeplyNestedAnswersAreRefused) {
  JsonLineWorker worker(python_worker("    print('[' * 100000 + ']' * 100000, flush=True)\n"));
  const WorkerReply reply = worker.call({{"n", 1}}, 10);
  EXPECT_EQ(reply.failure, WorkerFailure::kMalformed);
  EXPECT_NE(reply.error.find("nested deeper than"), std::string::npos) << reply.error;
}

TEST(JsonLineWorkerTest, StderrIsBoundedAndCredentialsInItAreMasked) {
  JsonLineWorker worker(python_worker(
      "    sys.stderr.write('noise line\\n' * 20000)\n"
      "    sys.stderr.write('using key sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ4 for the call\\n')\n"
      "    sys.stderr.flush()\n"
      "    os._exit(1)\n"));
  const WorkerReply reply = worker.call({{"n", 1}}, 10);
  EXPECT_EQ(reply.failure, WorkerFailure::kExited);
  EXPECT_LT(reply.error.size(), 1400u) << reply.error.size();
  EXPECT_EQ(reply.error.find("Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ4"), std::string::npos) << reply.error;
  EXPECT_NE(reply.error.find("using key sk-proj-…"), std::string::npos) << reply.error;
}

TEST(JsonLineWorkerTest, KeysFromTheEnvironmentAreRedactedInStderr) {
  // A key of no known format, printed by a failing script, stays out of the message.
  setenv("EVALKIT_WORKER_TEST_API_KEY", "plain-secret-value-91b7", 1);
  JsonLineWorker worker(python_worker(
      "    print('auth failed for', os.environ['EVALKIT_WORKER_TEST_API_KEY'], file=sys.stderr)\n"
      "    os._exit(2)\n"));
  const WorkerReply reply = worker.call({{"n", 1}}, 10);
  unsetenv("EVALKIT_WORKER_TEST_API_KEY");
  EXPECT_EQ(reply.failure, WorkerFailure::kExited);
  EXPECT_EQ(reply.error.find("plain-secret-value-91b7"), std::string::npos) << reply.error;
  EXPECT_NE(reply.error.find("auth failed for [EVALKIT_WORKER_TEST_API_KEY]"), std::string::npos)
      << reply.error;
}

TEST(JsonLineWorkerTest, AMissingProgramIsAStartFailure) {
  JsonLineWorker worker({{"no-such-program-for-evalkit"}, "", "missing"});
  const WorkerReply reply = worker.call({{"n", 1}}, 10);
  EXPECT_EQ(reply.failure, WorkerFailure::kStart);
  EXPECT_NE(reply.error.find("cannot run 'no-such-program-for-evalkit'"), std::string::npos)
      << reply.error;
}

TEST(JsonLineWorkerTest, ArgumentsNeverReachAShell) {
  const std::string dir = testing::make_temp_dir("worker_no_shell");
  const std::string marker = dir + "/pwned";
  const std::string argument = "$(touch " + marker + "); touch " + marker;
  JsonLineWorker worker({{"python3", "-c",
                          "import json, sys\n"
                          "for line in sys.stdin:\n"
                          "    print(json.dumps({'argv': sys.argv[1:]}), flush=True)\n",
                          argument},
                         "",
                         "argv"});
  const WorkerReply reply = worker.call({{"n", 1}}, 10);
  ASSERT_EQ(reply.failure, WorkerFailure::kNone) << reply.error;
  EXPECT_EQ(reply.answer.at("argv").at(0), argument);
  EXPECT_NE(access(marker.c_str(), F_OK), 0);
}

TEST(JsonLineWorkerTest, RunsInItsDirectory) {
  const std::string dir = testing::make_temp_dir("worker_directory");
  JsonLineWorker worker({{"python3", "-c",
                          "import json, os, sys\n"
                          "for line in sys.stdin:\n"
                          "    print(json.dumps({'cwd': os.getcwd()}), flush=True)\n"},
                         dir,
                         "cwd"});
  const WorkerReply reply = worker.call({{"n", 1}}, 10);
  ASSERT_EQ(reply.failure, WorkerFailure::kNone) << reply.error;
  char resolved[4096];
  ASSERT_NE(realpath(dir.c_str(), resolved), nullptr);
  EXPECT_EQ(reply.answer.at("cwd"), std::string(resolved));
}

TEST(JsonLineWorkerTest, StopEndsAWorkerThatIgnoresEndOfInput) {
  JsonLineWorker worker(
      python_worker("    print(json.dumps({'pid': os.getpid()}), flush=True)\n"
                    "time.sleep(300)\n"));
  const WorkerReply reply = worker.call({{"n", 1}}, 10);
  ASSERT_EQ(reply.failure, WorkerFailure::kNone) << reply.error;
  const pid_t pid = reply.answer.at("pid").get<pid_t>();
  const auto start = std::chrono::steady_clock::now();
  worker.stop(0.3);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 5.0);
  EXPECT_TRUE(process_gone(pid));
}

TEST(WorkerPoolTest, GivesUpAfterRepeatedFailedStarts) {
  WorkerPool pool(
      {{"python3", "-c", "import sys\nprint('SyntaxError: oops', file=sys.stderr)\nsys.exit(1)\n"},
       "",
       "broken.py"},
      1);
  for (int i = 0; i < WorkerPool::kMaxFailedStarts; ++i) {
    const WorkerReply reply = pool.call({{"n", i}}, 10);
    EXPECT_EQ(reply.failure, WorkerFailure::kExited) << reply.error;
    EXPECT_NE(reply.error.find("SyntaxError: oops"), std::string::npos) << reply.error;
  }
  const auto start = std::chrono::steady_clock::now();
  const WorkerReply given_up = pool.call({{"n", 9}}, 10);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 0.1);
  EXPECT_EQ(given_up.failure, WorkerFailure::kStart);
  EXPECT_NE(given_up.error.find("gave up after 3 failed starts in a row"), std::string::npos)
      << given_up.error;
  EXPECT_EQ(pool.processes_started(), size_t(WorkerPool::kMaxFailedStarts));
}

TEST(WorkerPoolTest, ManyThreadsShareABoundedNumberOfProcesses) {
  WorkerPool pool(python_worker(kEcho), 2);
  std::vector<std::thread> threads;
  std::atomic<int> answered{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        const int n = t * 1000 + i;
        const WorkerReply reply = pool.call({{"n", n}}, 20);
        if (reply.failure == WorkerFailure::kNone && reply.answer.at("echo") == n) ++answered;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(answered.load(), 200);
  EXPECT_EQ(pool.processes_started(), 2u);
}

TEST(WorkerPoolTest, SharedPoolsAreSharedByCommand) {
  const WorkerCommand command = python_worker(kEcho);
  EXPECT_EQ(shared_worker_pool(command, 2), shared_worker_pool(command, 2));
  WorkerCommand other = command;
  other.directory = "/";
  EXPECT_NE(shared_worker_pool(command, 2), shared_worker_pool(other, 2));
  shutdown_shared_worker_pools();
}

}  // namespace
}  // namespace evalkit
