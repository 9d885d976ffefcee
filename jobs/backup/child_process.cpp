// Owns ChildProcess (see child_process.hpp) over posix_spawnp.
#include "jobs/backup/child_process.hpp"
#include "jobs/backup/errc.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <regex>

extern char** environ;

namespace blazed::jobs::backup {

namespace {

constexpr int kPipeBytes = 1 << 20;

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

std::vector<std::string> merged_environment(const std::vector<std::pair<std::string, std::string>>& add) {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : add) env[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

}  // namespace

Result<ChildProcess> ChildProcess::start(const ChildSpec& spec) {
  if (spec.argv.empty()) return make_error(blazed::jobs::backup::errc::backup_spawn, "no program to run");
  int in_pipe[2] = {-1, -1};
  int out_pipe[2] = {-1, -1};
  ChildProcess child;
  child.err_fd_ = ::memfd_create("blazed-child-stderr", MFD_CLOEXEC);
  if (child.err_fd_ < 0) return make_error(blazed::jobs::backup::errc::backup_spawn, "memfd_create failed");
  if ((spec.pipe_stdin && ::pipe2(in_pipe, O_CLOEXEC) != 0) ||
      (spec.pipe_stdout && ::pipe2(out_pipe, O_CLOEXEC) != 0))
    return make_error(blazed::jobs::backup::errc::backup_spawn, "pipe failed");

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (spec.pipe_stdin)
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  else
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (spec.pipe_stdout)
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  else
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, child.err_fd_, 2);

  std::vector<std::string> env = merged_environment(spec.env);
  std::vector<char*> argv;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  const int rc = ::posix_spawnp(&child.pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spec.pipe_stdin) ::close(in_pipe[0]);
  if (spec.pipe_stdout) ::close(out_pipe[1]);
  child.in_fd_ = spec.pipe_stdin ? in_pipe[1] : -1;
  child.out_fd_ = spec.pipe_stdout ? out_pipe[0] : -1;
  // A larger pipe lets pg_dump run ahead (and pg_restore read ahead) while we compress or
  // decrypt: the two sides work in parallel instead of taking turns 64 KiB at a time. Best
  // effort: the kernel may cap it (pipe-max-size).
  for (int fd : {child.in_fd_, child.out_fd_})
    if (fd >= 0) ::fcntl(fd, F_SETPIPE_SZ, kPipeBytes);
  if (rc != 0) {
    child.pid_ = -1;
    return make_error(blazed::jobs::backup::errc::backup_spawn, "cannot start " + spec.argv[0] + ": " + std::strerror(rc));
  }
  return child;
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)),
      in_fd_(std::exchange(o.in_fd_, -1)),
      out_fd_(std::exchange(o.out_fd_, -1)),
      err_fd_(std::exchange(o.err_fd_, -1)),
      status_(o.status_) {}

ChildProcess::~ChildProcess() {
  close_fd(in_fd_);
  close_fd(out_fd_);
  if (pid_ > 0) {
    kill();
    wait();
  }
  close_fd(err_fd_);
}

Result<std::size_t> ChildProcess::read(std::span<std::uint8_t> into) {
  while (true) {
    const ssize_t n = ::read(out_fd_, into.data(), into.size());
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    return make_error(blazed::jobs::backup::errc::backup_io, std::string("reading the child's output: ") + std::strerror(errno));
  }
}

Status ChildProcess::write_all(std::span<const std::uint8_t> data) {
  while (!data.empty()) {
    const ssize_t n = ::write(in_fd_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return make_error(blazed::jobs::backup::errc::backup_io, std::string("writing to the child: ") + std::strerror(errno));
    data = data.subspan(static_cast<std::size_t>(n));
  }
  return {};
}

void ChildProcess::close_stdin() { close_fd(in_fd_); }

int ChildProcess::wait() {
  if (pid_ <= 0) return status_;
  close_fd(in_fd_);
  int st = 0;
  while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  close_fd(out_fd_);
  return status_;
}

void ChildProcess::kill() {
  if (pid_ > 0) ::kill(pid_, SIGKILL);
}

std::string ChildProcess::stderr_tail(std::size_t max) const {
  if (err_fd_ < 0) return {};
  const off_t size = ::lseek(err_fd_, 0, SEEK_END);
  if (size <= 0) return {};
  const off_t from = size > static_cast<off_t>(max) ? size - static_cast<off_t>(max) : 0;
  std::string out(static_cast<std::size_t>(size - from), '\0');
  const ssize_t n = ::pread(err_fd_, out.data(), out.size(), from);
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  for (char& c : out)
    if (c == '\n') c = ' ';
  return out;
}

Result<std::string> run_for_output(const std::vector<std::string>& argv) {
  auto child = ChildProcess::start({argv, {}, false, true});
  if (!child) return child.error();
  std::string out;
  std::uint8_t buf[4096];
  while (true) {
    auto n = child->read(buf);
    if (!n) return n.error();
    if (*n == 0) break;
    out.append(reinterpret_cast<const char*>(buf), *n);
  }
  if (const int rc = child->wait(); rc != 0)
    return make_error(blazed::jobs::backup::errc::backup_spawn, argv[0] + " exited with status " + std::to_string(rc));
  return out;
}

Result<int> client_major_version(const std::string& version_output) {
  static const std::regex kVersion(R"(\(PostgreSQL\) (\d+))");
  std::smatch m;
  if (!std::regex_search(version_output, m, kVersion))
    return make_error(blazed::jobs::backup::errc::backup_pg_version, "cannot read the client's version");
  return std::stoi(m[1].str());
}

}  // namespace blazed::jobs::backup
