// Owns running tests/spapi-server/server.js under DaemonProcess and a small blocking HTTPS client.
#include "harness/spapi_server.hpp"

#include <signal.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <algorithm>
#include <cctype>
#include <fstream>
#include <stdexcept>

namespace blazed::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr std::size_t kMaxReplyBytes = 64u << 20;

std::string form_encode(const std::string& s) {
  return boost::urls::encode(s, boost::urls::unreserved_chars);
}

}  // namespace

SpapiServer::SpapiServer(const std::string& config_json, std::chrono::milliseconds timeout) {
  std::vector<std::string> args{BLAZED_SPAPI_SERVER_JS, "--state-dir", (dir_ / "state").string()};
  if (!config_json.empty()) {
    std::ofstream(dir_ / "config.json") << config_json;
    args.insert(args.end(), {"--config", (dir_ / "config.json").string()});
  }
  process_ = std::make_unique<DaemonProcess>(BLAZED_NODE_PATH, args, dir_.path());
  // The server sends READY=1 with its start-up line as STATUS= once it listens.
  if (!process_->wait_for_notify("READY=1", timeout))
    throw std::runtime_error("spapi-server did not start: " + process_->output());
  for (const auto& n : process_->notifications()) {
    auto at = n.find("STATUS=");
    if (at == std::string::npos) continue;
    auto line = boost::json::parse(n.substr(at + 7, n.find('\n', at) - at - 7)).as_object();
    port_ = static_cast<std::uint16_t>(line.at("port").to_number<int>());
    ca_ = std::string(line.at("ca").as_string());
  }
  if (port_ == 0) throw std::runtime_error("spapi-server sent no start-up line");
}

SpapiServer::~SpapiServer() {
  if (process_ && process_->running()) stop();
}

std::string SpapiServer::url() const { return "https://127.0.0.1:" + std::to_string(port_); }

std::optional<int> SpapiServer::stop(std::chrono::milliseconds timeout) {
  process_->signal(SIGTERM);
  return process_->wait_exit(timeout);
}

HttpReply SpapiServer::request(const std::string& method, const std::string& target,
                               const std::string& body,
                               const std::map<std::string, std::string>& headers) const {
  asio::io_context io;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.load_verify_file(ca_.string());
  tls.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(io, tls);
  stream.set_verify_callback(asio::ssl::host_name_verification("127.0.0.1"));
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(60));
  beast::get_lowest_layer(stream).connect(
      asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
  stream.handshake(asio::ssl::stream_base::client);

  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
  req.set(http::field::user_agent, "blazed-tests/1.0 (Language=C++; Platform=Linux)");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxReplyBytes);
  http::read(stream, buffer, parser);
  auto res = parser.release();
  beast::error_code ignored;
  stream.shutdown(ignored);

  HttpReply out{static_cast<int>(res.result_int()), std::move(res.body()), {}};
  for (const auto& f : res) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.headers[name] = std::string(f.value());
  }
  return out;
}

HttpReply SpapiServer::admin(const std::string& method, const std::string& path,
                             const std::string& json_body) const {
  std::map<std::string, std::string> headers;
  if (!json_body.empty()) headers["content-type"] = "application/json";
  return request(method, "/_admin" + path, json_body, headers);
}

std::string SpapiServer::access_token(const std::string& refresh_token) const {
  auto reply = request("POST", "/auth/o2/token",
                       "grant_type=refresh_token&refresh_token=" + form_encode(refresh_token) +
                           "&client_id=" + kClientId + "&client_secret=" + kClientSecret,
                       {{"content-type", "application/x-www-form-urlencoded"}});
  if (reply.status != 200)
    throw std::runtime_error("LWA exchange answered " + std::to_string(reply.status));
  return std::string(boost::json::parse(reply.body).at("access_token").as_string());
}

}  // namespace blazed::testing
