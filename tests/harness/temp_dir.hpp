// Owns TempDir: a private temporary directory removed with everything in it on destruction.
#pragma once

#include <filesystem>
#include <string>

namespace blazed::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "blazed-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::filesystem::path operator/(const std::string& name) const {
    return path_ / name;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace blazed::testing
