// Owns the PostgreSQL test cluster's life (initdb, postmaster as a child, stop by pid) and the
// per-test databases.
#include "harness/postgres.hpp"

#include "harness/free_port.hpp"

#include <libpq-fe.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace blazed::testing {
namespace {

constexpr const char* kBinDir = "/usr/lib/postgresql/15/bin";
// "... connections" from a primary, "... read-only connections" from a hot standby.
constexpr std::string_view kReadyLine = "database system is ready to accept";

std::string quote_conninfo(std::string_view v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string tail_of(const std::string& path, std::size_t max = 4000) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > max ? s.substr(s.size() - max) : s;
}

// In a forked child: become the cluster's user (when root) or exit.
void drop_privileges(std::optional<uid_t> uid, std::optional<gid_t> gid) {
  if (!uid) return;
  if (::setgroups(0, nullptr) != 0 || ::setgid(*gid) != 0 || ::setuid(*uid) != 0) ::_exit(126);
}

// An argv for execv that owns its strings.
struct Argv {
  std::vector<std::string> strings;
  std::vector<char*> pointers;
};
Argv argv_of(std::vector<std::string> args) {
  Argv a{std::move(args), {}};
  for (auto& s : a.strings) a.pointers.push_back(s.data());
  a.pointers.push_back(nullptr);
  return a;
}

[[noreturn]] void exec_argv(const Argv& a) {
  ::execv(a.pointers[0], a.pointers.data());
  ::_exit(127);
}

}  // namespace

std::string PgEndpoint::dsn(std::string_view dbname) const {
  return "host=" + quote_conninfo(host) + " port=" + std::to_string(port) +
         " user=" + quote_conninfo(user) + " dbname=" + quote_conninfo(dbname);
}

PgCluster::PgCluster(const PgClusterOptions& options) {
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) throw std::runtime_error("running as root but there is no postgres user");
    run_uid_ = pw->pw_uid;
    run_gid_ = pw->pw_gid;
    if (::chown(dir_.path().c_str(), *run_uid_, *run_gid_) != 0)
      throw std::runtime_error("chown of the cluster directory failed");
  }

  const std::string data = (dir_ / "data").string();
  if (options.standby_of != nullptr) {
    const PgEndpoint& primary = options.standby_of->endpoint();
    run_tool({std::string(kBinDir) + "/pg_basebackup", "-D", data, "-h", primary.host, "-p",
              std::to_string(primary.port), "-U", primary.user, "-R", "-X", "stream", "-c", "fast",
              "--no-sync"},
             (dir_ / "basebackup.log").string(), "pg_basebackup");
  } else {
    run_tool({std::string(kBinDir) + "/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E",
              "UTF8", "--locale=C", "--no-sync", "--no-instructions"},
             (dir_ / "initdb.log").string(), "initdb");
  }
  if (options.tls_cert || options.tls_key) {
    if (!options.tls_cert || !options.tls_key)
      throw std::runtime_error("PgCluster: TLS needs both a certificate and a key");
    install_tls(*options.tls_cert, *options.tls_key);
  }

  for (int attempt = 0; attempt < 10; ++attempt) {
    endpoint_.port = free_port();
    if (try_start()) return;
  }
  throw std::runtime_error("postgres could not bind a free port:\n" + tail_of(log_path()));
}

void PgCluster::run_tool(const std::vector<std::string>& args, const std::string& log,
                         const char* what) {
  // Everything the child needs is built before fork: only async-signal-safe calls after it.
  const auto argv = argv_of(args);
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) ::_exit(125);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    drop_privileges(run_uid_, run_gid_);
    exec_argv(argv);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(std::string(what) + " failed:\n" + tail_of(log));
}

// The server reads its key only when the key belongs to it and nobody else may read it.
void PgCluster::install_tls(const std::filesystem::path& cert, const std::filesystem::path& key) {
  namespace fs = std::filesystem;
  const fs::path data = dir_ / "data";
  for (auto [from, to] : {std::pair{cert, data / "server.crt"}, std::pair{key, data / "server.key"}}) {
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
    fs::permissions(to, fs::perms::owner_read | fs::perms::owner_write);
    if (run_uid_ && ::chown(to.c_str(), *run_uid_, *run_gid_) != 0)
      throw std::runtime_error("chown of " + to.string() + " failed");
  }
  settings_ = {"ssl=on", "ssl_cert_file=server.crt", "ssl_key_file=server.key"};
}

PgCluster::~PgCluster() { stop(); }

std::string PgCluster::log_path() const { return (dir_ / "postgres.log").string(); }

bool PgCluster::try_start() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const pid_t parent = ::getpid();
  std::vector<std::string> command{
      std::string(kBinDir) + "/postgres", "-D", (dir_ / "data").string(), "-p",
      std::to_string(endpoint_.port), "-k", dir_.path().string(), "-c",
      "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c",
      "full_page_writes=off", "-c", "lc_messages=C", "-c", "max_connections=200"};
  for (const auto& setting : settings_) {
    command.push_back("-c");
    command.push_back(setting);
  }
  const auto args = argv_of(std::move(command));
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    drop_privileges(run_uid_, run_gid_);
    // Set after the uid change (which clears it): an aborted test run takes the server with it.
    ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
    if (::getppid() != parent) ::_exit(0);
    exec_argv(args);
  }
  ::close(fds[1]);
  {
    std::lock_guard lock(mutex_);
    ready_ = false;
    log_eof_ = false;
  }
  pid_ = pid;
  log_thread_ = std::thread([this, fd = fds[0]] { drain_log(fd); });

  std::unique_lock lock(mutex_);
  cv_.wait(lock, [this] { return ready_ || log_eof_; });
  if (ready_) return true;
  lock.unlock();
  // The postmaster exited before it was ready.
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
  log_thread_.join();
  if (tail_of(log_path()).find("could not bind") != std::string::npos) return false;
  throw std::runtime_error("postgres did not start:\n" + tail_of(log_path()));
}

// Copies the server's output to log_path() and flags the ready line; runs until every server
// process has closed the pipe.
void PgCluster::drain_log(int fd) {
  std::ofstream log(log_path(), std::ios::app);
  std::string line;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    log.write(buf, n);
    log.flush();
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] != '\n') {
        line += buf[i];
        continue;
      }
      if (line.find(kReadyLine) != std::string::npos) {
        std::lock_guard lock(mutex_);
        ready_ = true;
        cv_.notify_all();
      }
      line.clear();
    }
  }
  ::close(fd);
  std::lock_guard lock(mutex_);
  log_eof_ = true;
  cv_.notify_all();
}

void PgCluster::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGINT);  // fast shutdown: abort sessions, checkpoint, exit
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
  if (log_thread_.joinable()) log_thread_.join();
}

void PgCluster::start() {
  if (running()) return;
  if (!try_start()) throw std::runtime_error("postgres could not bind its port again");
}

void PgCluster::promote() {
  auto rows = pg_exec(endpoint_.dsn("postgres"), "SELECT pg_promote()");
  if (rows.size() != 1 || rows[0][0] != "t")
    throw std::runtime_error("pg_promote() did not finish:\n" + tail_of(log_path()));
}

const PgEndpoint& test_postgres() {
  static const PgEndpoint endpoint = [] {
    const char* host = std::getenv("BLAZED_TEST_PGHOST");
    const char* port = std::getenv("BLAZED_TEST_PGPORT");
    if (host != nullptr && port != nullptr) {
      const char* user = std::getenv("BLAZED_TEST_PGUSER");
      return PgEndpoint{host, static_cast<std::uint16_t>(std::stoi(port)),
                        user != nullptr ? user : "postgres"};
    }
    // Function-local static: destroyed (server stopped) when the test process exits.
    static PgCluster cluster;
    return cluster.endpoint();
  }();
  return endpoint;
}

PgTextRows pg_exec(const std::string& dsn, const std::string& sql) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(dsn.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK)
    throw std::runtime_error(std::string("pg_exec: connect failed: ") +
                             PQerrorMessage(conn.get()));
  PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
  std::unique_ptr<PGresult, decltype(&PQclear)> res(PQexec(conn.get(), sql.c_str()), &PQclear);
  auto status = PQresultStatus(res.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    throw std::runtime_error("pg_exec: " + sql + ": " + PQresultErrorMessage(res.get()));
  PgTextRows rows;
  for (int r = 0; r < PQntuples(res.get()); ++r) {
    auto& row = rows.emplace_back();
    for (int c = 0; c < PQnfields(res.get()); ++c) {
      if (PQgetisnull(res.get(), r, c))
        row.emplace_back(std::nullopt);
      else
        row.emplace_back(std::string(PQgetvalue(res.get(), r, c),
                                     static_cast<std::size_t>(PQgetlength(res.get(), r, c))));
    }
  }
  return rows;
}

PgDatabase::PgDatabase(const PgEndpoint& server) : server_(server) {
  static std::atomic<int> counter{0};
  std::random_device rd;
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", rd());
  name_ = "blazed_t_" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + "_" + suffix;
  pg_exec(server_.dsn("postgres"), "CREATE DATABASE \"" + name_ + "\"");
  dsn_ = server_.dsn(name_);
}

PgDatabase::~PgDatabase() {
  try {
    pg_exec(server_.dsn("postgres"), "DROP DATABASE IF EXISTS \"" + name_ + "\" WITH (FORCE)");
  } catch (const std::exception& e) {
    std::cerr << "PgDatabase: could not drop " << name_ << ": " << e.what() << "\n";
  }
}

}  // namespace blazed::testing
