// CLI commands that change membership one member at a time: member add/promote/remove/list.
// Each prints the new configuration with its quorum arithmetic (membership_table.h).
#include <grpcpp/grpcpp.h>

#include "common/json_util.h"
#include "driver/cli.h"
#include "driver/daemon_client.h"
#include "driver/lab_service.h"
#include "driver/membership_table.h"

namespace raftlab::driver {
namespace {

Result<MembershipStep> CurrentMembership(CliContext& ctx) {
  Result<DaemonClient*> daemon = ctx.Daemon();
  if (!daemon.ok()) return daemon.status();
  grpc::ClientContext call;
  v1::MemberListReply reply;
  grpc::Status s = (*daemon)->stub()->MemberList(&call, v1::MemberListRequest(), &reply);
  if (!s.ok()) return FromGrpcStatus(s);
  return MembershipStep{{reply.voters().begin(), reply.voters().end()}, {reply.learners().begin(), reply.learners().end()}};
}

Json StepJson(const MembershipStep& m) { return {{"voters", m.voters}, {"learners", m.learners}}; }

int Change(const std::string& op, const ParsedArgs& a, CliContext& ctx) {
  const std::string cmd = "member " + op;
  Result<MembershipStep> before = CurrentMembership(ctx);
  if (!before.ok()) return ctx.Fail(cmd, before.status());
  v1::MemberChangeRequest req;
  req.set_op(op);
  req.set_member(a.positional[0]);
  req.set_learner(a.Has("learner"));
  Result<long> timeout = ParseDurationMs(a.Get("timeout", "30s"));
  if (!timeout.ok()) return ctx.Fail(cmd, timeout.status());
  req.set_timeout_ms(static_cast<uint32_t>(*timeout));
  grpc::ClientContext call;
  auto reader = (*ctx.Daemon())->stub()->MemberChange(&call, req);
  v1::UpProgress p;
  while (reader->Read(&p))
    if (!p.line().empty()) ctx.err << "  " << p.line() << "\n" << std::flush;
  grpc::Status s = reader->Finish();
  if (!s.ok()) return ctx.Fail(cmd, FromGrpcStatus(s));
  Result<MembershipStep> after = CurrentMembership(ctx);
  if (!after.ok()) return ctx.Fail(cmd, after.status());
  if (a.Has("json")) ctx.out << Json{{"before", StepJson(*before)}, {"after", StepJson(*after)}}.dump(2) << "\n";
  else ctx.out << DescribeMembershipStep(&*before, *after);
  return 0;
}

int List(const ParsedArgs& a, CliContext& ctx) {
  Result<MembershipStep> now = CurrentMembership(ctx);
  if (!now.ok()) return ctx.Fail("member list", now.status());
  if (a.Has("json")) ctx.out << StepJson(*now).dump(2) << "\n";
  else ctx.out << DescribeMembershipStep(nullptr, *now);
  return 0;
}

}  // namespace

std::vector<Command> MemberCommands() {
  const FlagSpec json{"json", false, "machine-readable output"};
  return {
      {"member add", "MEMBER", "add a member (n4..n9): new host, etcd MemberAdd, start it joined",
       {{"learner", false, "add as a non-voting learner (promote it once it has caught up)"}, json}, 1, 1,
       [](const ParsedArgs& a, CliContext& ctx) { return Change("add", a, ctx); }},
      {"member promote", "MEMBER", "make a caught-up learner a voter (waits while etcd says it is not in sync)",
       {{"timeout", true, "DUR  how long to wait for catch-up (default 30s)"}, json}, 1, 1,
       [](const ParsedArgs& a, CliContext& ctx) { return Change("promote", a, ctx); }},
      {"member remove", "MEMBER", "remove a member from the cluster and delete its host", {json}, 1, 1,
       [](const ParsedArgs& a, CliContext& ctx) { return Change("remove", a, ctx); }},
      {"member list", "", "voters and learners, quorum size, tolerated failures", {json}, 0, 0, List},
  };
}

}  // namespace raftlab::driver
