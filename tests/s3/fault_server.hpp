// Owns FaultServer: a tiny in-process HTTP server on a free loopback port that plays a script of
// answers and faults (S3 errors, 503 SlowDown storms, stalled answers, reset connections) and
// records every request, for the S3 client's retry and failure tests.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace blazed::testing {

struct FaultStep {
  enum Kind { respond, stall, reset } kind = respond;
  unsigned status = 200;
  std::string body;
  std::map<std::string, std::string> headers;

  static FaultStep ok(std::string body = {}) { return {respond, 200, std::move(body), {}}; }
  static FaultStep s3_error(unsigned status, const std::string& code, const std::string& message = "x");
  static FaultStep stalled() { return {stall, 0, {}, {}}; }
  static FaultStep connection_reset() { return {reset, 0, {}, {}}; }
};

struct RecordedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

class FaultServer {
 public:
  explicit FaultServer(boost::asio::io_context& io);
  ~FaultServer();

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Steps are used one per request, in order; after the script, `fallback` answers (by default
  // a plausible S3 success: an UploadId for ?uploads, an ETag for everything else).
  void script(std::vector<FaultStep> steps) { steps_.assign(steps.begin(), steps.end()); }
  std::function<FaultStep(const RecordedRequest&)> fallback;

  [[nodiscard]] const std::vector<RecordedRequest>& requests() const { return requests_; }

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::deque<FaultStep> steps_;
  std::vector<RecordedRequest> requests_;
  std::vector<std::shared_ptr<boost::asio::ip::tcp::socket>> stalled_;  // kept open, never answered
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  int etag_counter_ = 0;
};

}  // namespace blazed::testing
