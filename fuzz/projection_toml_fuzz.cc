// libFuzzer target: arbitrary text as a declarative projection file (SPEC §5): the TOML
// parser and every check of the definition must answer with a definition or an error that
// names the problem, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "projections/declarative.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto definition = redline::parse_declarative(std::string_view(reinterpret_cast<const char*>(data), size));
  if (definition.ok()) (void)redline::make_declarative_projection(*definition);
  return 0;
}
