// Owns the "do it now" subcommands, `blazectl backup run` and `blazectl purge run`: each asks the
// daemon to enqueue its duty's job at once and says which job it is (a queued one counts).
#include "ctl/cli.hpp"
#include "ctl/fields.hpp"

#include <ostream>

namespace blazed::ctl {
namespace {

// `what` names the job in the answer; `follow` says where its outcome shows.
Subcommand run_now(std::string name, std::string summary, std::string command, std::string what,
                   std::string follow) {
  return without_args(std::move(name), std::move(summary), std::move(command),
                      [what, follow](Context& ctx, const boost::json::value& r) {
                        ctx.out << (field_bool(r, "duplicate") ? "a " + what + " is already queued or running"
                                                               : what + " queued")
                                << ": job " << field_int(r, "job_id") << "; " << follow << "\n";
                      });
}

const Registrar backup{run_now("backup run", "back the database up now (enqueues the job; one at a time)",
                               "backup.run", "backup", "follow it with blazectl backup list")};
const Registrar purge{run_now("purge run",
                              "purge raw SP-API pages older than retention.raw_payloads now (enqueues the job)",
                              "purge.run", "purge", "its counts go to the audit trail (action purge.pii)")};

}  // namespace
}  // namespace blazed::ctl
