// Owns creation and removal of test temporary directories.
#include "harness/temp_dir.hpp"

#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace blazed::testing {

TempDir::TempDir(const std::string& prefix) {
  std::string templ = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + templ);
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace blazed::testing
