// Owns starting s3rver (with --openssl-legacy-provider where the Node.js needs it), reading its
// port from its first log line, and killing it.
#include "s3rver.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <algorithm>
#include <cstdlib>
#include <regex>
#include <stdexcept>
#include <vector>

namespace blazed::testing {
namespace {

const std::string kServerJs = BLAZED_SOURCE_DIR "/tests/s3-server/node_modules/s3rver/bin/s3rver.js";

// Node 17+ needs --openssl-legacy-provider or s3rver's paginated listings answer 500 (it
// hashes with MD4); older Node rejects the flag. Asked once per process.
bool node_takes_legacy_provider() {
  static const bool yes = [] {
    const std::string cmd = std::string("'") + BLAZED_NODE_PATH + "' --openssl-legacy-provider -e 0 >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
  }();
  return yes;
}

}  // namespace

S3rver::S3rver(std::string bucket) : bucket_(std::move(bucket)) {
  if (::access(kServerJs.c_str(), R_OK) != 0)
    throw std::runtime_error("s3rver is not installed: run `npm ci` in tests/s3-server (scripts/test does)");
  std::vector<std::string> args = {BLAZED_NODE_PATH};
  if (node_takes_legacy_provider()) args.push_back("--openssl-legacy-provider");
  args.push_back(kServerJs);
  args.push_back("-d");
  args.push_back((dir_.path() / "data").string());
  for (const char* a : {"-a", "127.0.0.1", "-p", "0", "--configure-bucket"}) args.push_back(a);
  args.push_back(bucket_);

  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) throw std::runtime_error("S3rver: pipe failed");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("S3rver: fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(pipefd[1], STDOUT_FILENO);
    ::dup2(pipefd[1], STDERR_FILENO);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(pipefd[1]);
  pid_ = pid;
  out_fd_ = pipefd[0];

  // Ready when it prints "S3rver listening on 127.0.0.1:PORT" (the real event, no polling).
  const std::regex listening("listening on 127\\.0\\.0\\.1:([0-9]+)");
  std::string output;
  std::smatch m;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!std::regex_search(output, m, listening)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{out_fd_, POLLIN, 0};
    char buf[4096];
    ssize_t n = 0;
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0 ||
        (n = ::read(out_fd_, buf, sizeof buf)) <= 0) {
      stop();
      throw std::runtime_error("s3rver did not start: " + output);
    }
    output.append(buf, static_cast<std::size_t>(n));
  }
  port_ = static_cast<std::uint16_t>(std::stoi(m[1].str()));
  drain_ = std::thread([fd = out_fd_] {
    char buf[4096];
    while (::read(fd, buf, sizeof buf) > 0) {
    }
  });
}

S3rver::~S3rver() { stop(); }

void S3rver::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  if (drain_.joinable()) drain_.join();
  if (out_fd_ >= 0) {
    ::close(out_fd_);
    out_fd_ = -1;
  }
}

std::filesystem::path S3rver::object_file(const std::string& key) const {
  return dir_.path() / "data" / bucket_ / (key + "._S3rver_object");
}

}  // namespace blazed::testing
