// Owns with_context: a duty's command function, `f(ctx, request)` or `f(ctx)`, as the control
// socket's Handler, so a duty registers its commands as one table.
#pragma once

#include "control/registry.hpp"
#include "jobs/job_context.hpp"

#include <type_traits>

namespace blazed::jobs {

template <class Fn>
control::Handler with_context(JobContext& ctx, Fn fn) {
  return [&ctx, fn](const control::Request& request) {
    if constexpr (std::is_invocable_v<Fn, JobContext&, const control::Request&>) return fn(ctx, request);
    else return fn(ctx);
  };
}

}  // namespace blazed::jobs
