#include "evidence/request_decoder.h"

#include <cstdio>
#include <vector>

#include <nlohmann/json.hpp>

#include "etcd/etcdserver/etcdserverpb/etcdserver.pb.h"
#include "etcd/etcdserver/etcdserverpb/raft_internal.pb.h"
#include "etcd/etcdserver/etcdserverpb/rpc.pb.h"
#include "etcd/raft/raftpb/raft.pb.h"

namespace raftlab::evidence {
namespace {

std::string RangeText(const std::string& key, const std::string& range_end) {
  if (range_end.empty()) return Printable(key);
  if (range_end == std::string(1, '\0')) return ">= " + Printable(key);
  return "[" + Printable(key) + ", " + Printable(range_end) + ")";
}

std::string CompareText(const etcdserverpb::Compare& c) {
  static const char* kTargets[] = {"version", "create", "mod", "value", "lease"};
  static const char* kOps[] = {"=", ">", "<", "!="};
  std::string out = (c.target() >= 0 && c.target() <= 4) ? kTargets[c.target()] : "target?";
  out += "(" + RangeText(c.key(), c.range_end()) + ") ";
  out += (c.result() >= 0 && c.result() <= 3) ? kOps[c.result()] : "?";
  out += " ";
  switch (c.target_union_case()) {
    case etcdserverpb::Compare::kVersion: out += std::to_string(c.version()); break;
    case etcdserverpb::Compare::kCreateRevision: out += std::to_string(c.create_revision()); break;
    case etcdserverpb::Compare::kModRevision: out += std::to_string(c.mod_revision()); break;
    case etcdserverpb::Compare::kValue: out += Printable(c.value(), 32); break;
    case etcdserverpb::Compare::kLease: out += HexId(static_cast<uint64_t>(c.lease())); break;
    default: out += "0"; break;
  }
  return out;
}

std::string TxnText(const etcdserverpb::TxnRequest& txn);

std::string OpText(const etcdserverpb::RequestOp& op) {
  switch (op.request_case()) {
    case etcdserverpb::RequestOp::kRequestRange:
      return "range " + RangeText(op.request_range().key(), op.request_range().range_end());
    case etcdserverpb::RequestOp::kRequestPut:
      return "put " + Printable(op.request_put().key(), 32) + "=" + Printable(op.request_put().value(), 32);
    case etcdserverpb::RequestOp::kRequestDeleteRange:
      return "delete " + RangeText(op.request_delete_range().key(), op.request_delete_range().range_end());
    case etcdserverpb::RequestOp::kRequestTxn:
      return "(" + TxnText(op.request_txn()) + ")";
    default:
      return "empty op";
  }
}

template <typename List, typename Fn>
std::string JoinList(const List& items, Fn text) {
  std::string out = "[";
  for (int i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += text(items.Get(i));
  }
  return out + "]";
}

std::string TxnText(const etcdserverpb::TxnRequest& txn) {
  return "txn if " + JoinList(txn.compare(), CompareText) + " then " + JoinList(txn.success(), OpText) +
         " else " + JoinList(txn.failure(), OpText);
}

// The name of the one request field set in an InternalRaftRequest ("auth_user_add"), found by
// reflection so that every auth variant is named without listing them.
std::string SetRequestField(const etcdserverpb::InternalRaftRequest& r) {
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  r.GetReflection()->ListFields(r, &fields);
  for (const auto* f : fields) {
    if (f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE && f->name() != "header") {
      return f->name();
    }
  }
  return "";
}

void FillV2(const etcdserverpb::Request& r, DecodedRequest& out) {
  out.kind = "v2";
  out.request_id = r.id();
  out.key = r.path();
  out.value = r.val();
  out.summary = "v2 " + Printable(r.method(), 16) + " " + Printable(r.path());
  if (!r.val().empty()) out.summary += "=" + Printable(r.val());
}

bool DecodeV2(std::string_view data, DecodedRequest& out) {
  etcdserverpb::Request r;
  if (!r.ParseFromArray(data.data(), static_cast<int>(data.size())) || r.method().empty()) return false;
  FillV2(r, out);
  return true;
}

bool DecodeInternal(std::string_view data, DecodedRequest& out) {
  etcdserverpb::InternalRaftRequest r;
  if (!r.ParseFromArray(data.data(), static_cast<int>(data.size()))) return false;
  std::string field = SetRequestField(r);
  // A v2 Request can parse as an InternalRaftRequest with only unknown fields: not ours.
  if (field.empty()) return false;
  out.request_id = r.has_header() && r.header().id() != 0 ? r.header().id() : r.id();
  if (r.has_put()) {
    const auto& p = r.put();
    out.kind = "put";
    out.key = p.key();
    out.value = p.value();
    out.lease = p.lease();
    out.summary = "put " + Printable(p.key()) + "=" + Printable(p.value());
    if (p.lease() != 0) out.summary += " lease=" + HexId(static_cast<uint64_t>(p.lease()));
  } else if (r.has_delete_range()) {
    out.kind = "delete";
    out.key = r.delete_range().key();
    out.range_end = r.delete_range().range_end();
    out.summary = "delete " + RangeText(out.key, out.range_end);
  } else if (r.has_txn()) {
    out.kind = "txn";
    out.summary = Printable(TxnText(r.txn()), 200);
  } else if (r.has_v2()) {
    uint64_t id = out.request_id;
    FillV2(r.v2(), out);
    if (out.request_id == 0) out.request_id = id;
  } else if (r.has_range()) {
    out.kind = "range";
    out.key = r.range().key();
    out.range_end = r.range().range_end();
    out.summary = "range " + RangeText(out.key, out.range_end);
  } else if (r.has_lease_grant()) {
    out.kind = "lease_grant";
    out.lease = r.lease_grant().id();
    out.summary = "lease_grant id=" + HexId(static_cast<uint64_t>(out.lease)) +
                  " ttl=" + std::to_string(r.lease_grant().ttl()) + "s";
  } else if (r.has_lease_revoke()) {
    out.kind = "lease_revoke";
    out.lease = r.lease_revoke().id();
    out.summary = "lease_revoke id=" + HexId(static_cast<uint64_t>(out.lease));
  } else if (r.has_compaction()) {
    out.kind = "compaction";
    out.summary = "compaction rev=" + std::to_string(r.compaction().revision()) +
                  (r.compaction().physical() ? " physical" : "");
  } else if (r.has_alarm()) {
    out.kind = "alarm";
    out.summary = "alarm " + etcdserverpb::AlarmRequest_AlarmAction_Name(r.alarm().action()) + " " +
                  etcdserverpb::AlarmType_Name(r.alarm().alarm()) + " member=" + HexId(r.alarm().memberid());
  } else if (field.rfind("auth", 0) == 0) {
    out.kind = "auth";
    out.summary = field;
  } else {
    out.kind = "other_internal";
    out.summary = field;
  }
  return true;
}

// The member JSON etcd puts in a ConfChange's context. Malformed context is left out, not fatal.
void DecodeMemberContext(const std::string& context, DecodedRequest& out) {
  if (context.empty()) return;
  nlohmann::json j = nlohmann::json::parse(context, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return;
  try {
    if (j.contains("name") && j["name"].is_string()) out.conf_name = j["name"].get<std::string>();
    if (j.contains("peerURLs") && j["peerURLs"].is_array()) {
      for (const auto& u : j["peerURLs"]) {
        if (u.is_string()) out.conf_peer_urls.push_back(u.get<std::string>());
      }
    }
    if (j.contains("isLearner") && j["isLearner"].is_boolean()) out.conf_is_learner = j["isLearner"].get<bool>();
    if (j.contains("isPromote") && j["isPromote"].is_boolean()) out.conf_is_promote = j["isPromote"].get<bool>();
  } catch (const nlohmann::json::exception&) {
    // Keep whatever was read before the surprise.
  }
}

std::string ConfSummary(const DecodedRequest& d) {
  std::string s = "conf " + d.conf_type + " " + HexId(d.conf_node_id);
  if (!d.conf_name.empty()) s += " name=" + d.conf_name;
  if (!d.conf_peer_urls.empty()) {
    s += " peers=";
    for (size_t i = 0; i < d.conf_peer_urls.size(); ++i) s += (i ? "," : "") + d.conf_peer_urls[i];
  }
  if (d.conf_is_learner) s += " learner";
  if (d.conf_is_promote) s += " promote";
  return s;
}

bool DecodeConfChange(std::string_view data, DecodedRequest& out) {
  raftpb::ConfChange cc;
  if (!cc.ParseFromArray(data.data(), static_cast<int>(data.size()))) return false;
  out.kind = "conf_change";
  out.request_id = cc.id();
  out.conf_type = ConfChangeTypeName(cc.type());
  out.conf_node_id = cc.node_id();
  DecodeMemberContext(cc.context(), out);
  out.summary = ConfSummary(out);
  return true;
}

bool DecodeConfChangeV2(std::string_view data, DecodedRequest& out) {
  raftpb::ConfChangeV2 cc;
  if (!cc.ParseFromArray(data.data(), static_cast<int>(data.size()))) return false;
  out.kind = "conf_change";
  if (cc.changes_size() > 0) {
    out.conf_type = ConfChangeTypeName(cc.changes(0).type());
    out.conf_node_id = cc.changes(0).node_id();
  }
  DecodeMemberContext(cc.context(), out);
  out.summary = "v2 " + ConfSummary(out);
  if (cc.changes_size() > 1) out.summary += " (+" + std::to_string(cc.changes_size() - 1) + " more changes)";
  return true;
}

}  // namespace

std::string Printable(std::string_view bytes, size_t max_len) {
  std::string out;
  for (unsigned char c : bytes) {
    if (out.size() >= max_len) {
      out += "...";
      break;
    }
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

std::string ConfChangeTypeName(int type) {
  switch (type) {
    case 0: return "AddNode";
    case 1: return "RemoveNode";
    case 2: return "UpdateNode";
    case 3: return "AddLearnerNode";
  }
  return "ConfChangeType(" + std::to_string(type) + ")";
}

DecodedRequest DecodeRequest(EntryType type, std::string_view data) {
  DecodedRequest out;
  bool ok = false;
  switch (type) {
    case EntryType::kConfChange: ok = DecodeConfChange(data, out); break;
    case EntryType::kConfChangeV2: ok = DecodeConfChangeV2(data, out); break;
    case EntryType::kNormal:
      if (data.empty()) {
        out.kind = "noop";
        out.summary = "noop";
        return out;
      }
      ok = DecodeInternal(data, out) || DecodeV2(data, out);
      break;
  }
  if (!ok) {
    out = DecodedRequest{};
    out.kind = "undecodable";
    out.summary = "undecodable " + std::to_string(data.size()) + " bytes";
  }
  return out;
}

}  // namespace raftlab::evidence
