// Owns where a restored dump goes: a file that only appears under its name once complete
// (`blazed backup decrypt`), or pg_restore's stdin (restores and drills). Used from the restore's
// worker thread: the calls block.
#pragma once

#include "core/error.hpp"
#include "core/secret.hpp"
#include "jobs/backup/child_process.hpp"

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

namespace blazed::jobs::backup {

class DumpDestination {
 public:
  virtual ~DumpDestination() = default;
  // `child`: where a destination that runs a program publishes its pid (so it can be killed).
  virtual Status open(std::atomic<pid_t>& child) = 0;
  virtual Status write(std::span<const std::uint8_t> data) = 0;
  // The dump is complete and authenticated: make it visible / let the program finish.
  virtual Status commit() = 0;
  // Something failed: leave nothing that looks complete.
  virtual void discard() = 0;
};

// Writes PATH.partial, renamed to PATH on commit; removed on discard. backup_io.
class FileDestination final : public DumpDestination {
 public:
  explicit FileDestination(std::filesystem::path path);
  ~FileDestination() override;
  Status open(std::atomic<pid_t>& child) override;
  Status write(std::span<const std::uint8_t> data) override;
  Status commit() override;
  void discard() override;

 private:
  std::filesystem::path path_;
  std::filesystem::path partial_;
  int fd_ = -1;
};

// pg_restore --dbname=DSN reading the dump on stdin. backup_pg_restore_failed with its status
// and the tail of its stderr.
class PgRestoreDestination final : public DumpDestination {
 public:
  PgRestoreDestination(std::string pg_restore, std::string dsn, Secret password);
  Status open(std::atomic<pid_t>& child) override;
  Status write(std::span<const std::uint8_t> data) override;
  Status commit() override;
  void discard() override;

 private:
  std::string program_;
  std::string dsn_;
  Secret password_;
  std::optional<ChildProcess> child_;
  std::atomic<pid_t>* published_ = nullptr;
};

}  // namespace blazed::jobs::backup
