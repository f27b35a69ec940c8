#include "cluster/agent_token.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace raftlab::cluster {
namespace {

std::string Trim(const std::string& s) {
  const char* ws = " \t\r\n";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

std::string OctalMode(mode_t mode) {
  std::ostringstream o;
  o << std::oct << (mode & 07777);
  return o.str();
}

}  // namespace

Result<std::string> ReadTokenFile(const std::string& path) {
  if (path.empty()) return InvalidArgument("no token file given");
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return InvalidArgument("token file " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return InvalidArgument("token file " + path + " is not a regular file");
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return PermissionDenied("token file " + path + " has mode " + OctalMode(st.st_mode) +
                            ": group or others may read or change it; chmod 600 " + path);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("token file " + path + ": cannot open it");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::string token = Trim(bytes.str());
  if (token.empty()) return InvalidArgument("token file " + path + " is empty: write the lab's token into it");
  if (token.find_first_of(" \t\r\n") != std::string::npos) {
    return InvalidArgument("token file " + path + " holds more than one word: the token may not contain whitespace");
  }
  return token;
}

bool TokensEqual(std::string_view a, std::string_view b) {
  // Every byte of the presented token is compared against the expected one (cycled), so the
  // time depends only on a's length, never on where the first difference is.
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  if (b.empty()) return a.empty();
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i % b.size()]);
  }
  return diff == 0;
}

std::string BearerValue(const std::string& token) { return kBearerPrefix + token; }

}  // namespace raftlab::cluster
