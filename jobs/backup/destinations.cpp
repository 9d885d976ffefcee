// Owns the dump destinations (see destinations.hpp).
#include "jobs/backup/destinations.hpp"
#include "jobs/backup/errc.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace blazed::jobs::backup {

namespace {
Error io_error(const std::string& what) {
  return make_error(blazed::jobs::backup::errc::backup_io, what + ": " + std::strerror(errno));
}
}  // namespace

FileDestination::FileDestination(std::filesystem::path path)
    : path_(std::move(path)), partial_(path_.string() + ".partial") {}

FileDestination::~FileDestination() {
  if (fd_ >= 0) discard();
}

Status FileDestination::open(std::atomic<pid_t>&) {
  fd_ = ::open(partial_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd_ < 0) return io_error("cannot create " + partial_.string());
  return {};
}

Status FileDestination::write(std::span<const std::uint8_t> data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("writing " + partial_.string());
    data = data.subspan(static_cast<std::size_t>(n));
  }
  return {};
}

Status FileDestination::commit() {
  if (::fsync(fd_) != 0) return io_error("syncing " + partial_.string());
  ::close(fd_);
  fd_ = -1;
  if (::rename(partial_.c_str(), path_.c_str()) != 0) return io_error("renaming to " + path_.string());
  return {};
}

void FileDestination::discard() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(partial_.c_str());
}

PgRestoreDestination::PgRestoreDestination(std::string pg_restore, std::string dsn, Secret password)
    : program_(std::move(pg_restore)), dsn_(std::move(dsn)), password_(std::move(password)) {}

Status PgRestoreDestination::open(std::atomic<pid_t>& child) {
  ChildSpec spec;
  spec.argv = {program_, "--no-owner", "--no-privileges", "--exit-on-error", "--no-password",
               "--dbname=" + dsn_};
  if (!password_.empty()) spec.env.emplace_back("PGPASSWORD", std::string(password_.reveal()));
  spec.pipe_stdin = true;
  auto started = ChildProcess::start(spec);
  if (!started) return started.error();
  child_.emplace(std::move(*started));
  published_ = &child;
  child.store(child_->pid());
  // A pg_restore that exits early must show up as its own failure, not kill us with SIGPIPE.
  ::signal(SIGPIPE, SIG_IGN);
  return {};
}

Status PgRestoreDestination::write(std::span<const std::uint8_t> data) {
  auto st = child_->write_all(data);
  if (st) return st;
  // pg_restore stopped reading: its own exit status says why.
  if (published_) published_->store(-1);
  const int rc = child_->wait();
  return make_error(blazed::jobs::backup::errc::backup_pg_restore_failed,
                    "pg_restore exited with status " + std::to_string(rc) + ": " + child_->stderr_tail());
}

Status PgRestoreDestination::commit() {
  child_->close_stdin();
  if (published_) published_->store(-1);
  const int rc = child_->wait();
  if (rc != 0)
    return make_error(blazed::jobs::backup::errc::backup_pg_restore_failed,
                      "pg_restore exited with status " + std::to_string(rc) + ": " + child_->stderr_tail());
  return {};
}

void PgRestoreDestination::discard() {
  if (!child_) return;
  if (published_) published_->store(-1);
  child_->kill();
  child_->wait();
}

}  // namespace blazed::jobs::backup
