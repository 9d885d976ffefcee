// Owns S3rver: the s3rver test server (tests/s3-server, npm) on a free loopback port in a
// temporary directory with one bucket, killed when the fixture goes away.
#pragma once

#include "harness/temp_dir.hpp"

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>

namespace blazed::testing {

class S3rver {
 public:
  explicit S3rver(std::string bucket = "blazed-test");
  ~S3rver();
  S3rver(const S3rver&) = delete;
  S3rver& operator=(const S3rver&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  [[nodiscard]] const std::string& bucket() const { return bucket_; }
  // Where s3rver keeps an object's bytes (DIR/<bucket>/<key>._S3rver_object).
  [[nodiscard]] std::filesystem::path object_file(const std::string& key) const;

 private:
  void stop();
  TempDir dir_{"blazed-s3rver"};
  std::string bucket_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::thread drain_;
};

}  // namespace blazed::testing
