// Owns the fault server's accept loop and its scripted sessions.
#include "fault_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <cctype>

namespace blazed::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

FaultStep FaultStep::s3_error(unsigned status, const std::string& code, const std::string& message) {
  return {respond, status,
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message +
              "</Message><RequestId>REQ123</RequestId></Error>",
          {{"Content-Type", "application/xml"}}};
}

FaultServer::FaultServer(asio::io_context& io) : io_(io), acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
  fallback = [this](const RecordedRequest& r) {
    FaultStep s = FaultStep::ok();
    if (r.target.find("uploads=") != std::string::npos || r.target.ends_with("?uploads")) {
      s.body = "<InitiateMultipartUploadResult><UploadId>UP-1</UploadId></InitiateMultipartUploadResult>";
    } else if (r.method == "POST" && r.target.find("uploadId=") != std::string::npos) {
      s.body = "<CompleteMultipartUploadResult><ETag>&quot;final-2&quot;</ETag></CompleteMultipartUploadResult>";
    } else if (r.method == "DELETE") {
      s.status = 204;
    }
    s.headers["ETag"] = "\"etag-" + std::to_string(++etag_counter_) + "\"";
    return s;
  };
  asio::co_spawn(io_, accept_loop(), asio::detached);
}

FaultServer::~FaultServer() {
  *alive_ = false;
  boost::system::error_code ec;
  acceptor_.close(ec);
  for (auto& s : stalled_) s->close(ec);
  // Let the cancelled coroutines finish before the members they use go away.
  io_.restart();
  io_.poll();
}

asio::awaitable<void> FaultServer::accept_loop() {
  auto alive = alive_;
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(tuple_awaitable);
    if (ec || !*alive) co_return;
    asio::co_spawn(io_, session(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> FaultServer::session(tcp::socket socket) {
  auto alive = alive_;
  beast::flat_buffer buffer;
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(256 * 1024 * 1024);
    auto [ec, n] = co_await bhttp::async_read(socket, buffer, parser, tuple_awaitable);
    (void)n;
    if (ec || !*alive) co_return;
    auto req = parser.release();
    RecordedRequest rec;
    rec.method = std::string(req.method_string());
    rec.target = std::string(req.target());
    for (const auto& f : req) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      rec.headers[name] = std::string(f.value());
    }
    rec.body = std::move(req.body());
    requests_.push_back(rec);

    FaultStep step;
    if (!steps_.empty()) {
      step = std::move(steps_.front());
      steps_.pop_front();
    } else {
      step = fallback(rec);
    }
    if (step.kind == FaultStep::stall) {
      stalled_.push_back(std::make_shared<tcp::socket>(std::move(socket)));
      co_return;
    }
    if (step.kind == FaultStep::reset) {
      boost::system::error_code ignored;
      socket.set_option(asio::socket_base::linger(true, 0), ignored);
      socket.close(ignored);
      co_return;
    }
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(step.status), 11};
    for (const auto& [k, v] : step.headers) res.set(k, v);
    if (rec.method == "HEAD") {
      res.content_length(step.body.size());
      bhttp::response_serializer<bhttp::string_body> sr{res};
      auto [hec, hn] = co_await bhttp::async_write_header(socket, sr, tuple_awaitable);
      (void)hn;
      if (hec || !*alive) co_return;
      continue;
    }
    res.body() = step.body;
    res.prepare_payload();
    res.keep_alive(true);
    auto [wec, wn] = co_await bhttp::async_write(socket, res, tuple_awaitable);
    (void)wn;
    if (wec || !*alive) co_return;
  }
}

}  // namespace blazed::testing
