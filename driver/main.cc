// raftlab: the CLI. Everything is in RunCli (driver/cli.h).
#include <iostream>
#include <string>
#include <vector>

#include "driver/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return raftlab::driver::RunCli(args, std::cout, std::cerr);
}
