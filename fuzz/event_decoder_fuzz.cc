// libFuzzer target: arbitrary bytes as a stored event (a RocksDB value of the log family):
// the header decoder, the chain fields, the full decoder with upcasting, and the JSON
// rendering of what decodes. Each must return an error value or an event, never crash.
// With REDLINE_FUZZ_WRITE_SEEDS=DIR the initializer first writes one encoded event of
// every type into DIR (how fuzz/corpus/event_decoder was made).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "events/codec.h"
#include "events/json.h"
#include "events/time.h"
#include "tests/support/sample_events.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* dir = std::getenv("REDLINE_FUZZ_WRITE_SEEDS");
  if (dir == nullptr) return 0;
  int n = 0;
  for (const redline::Event& data : redline::testing::one_of_every_type()) {
    std::string bytes;
    const redline::CommitStamp stamp{redline::Position(static_cast<std::uint64_t>(n + 1)), redline::StreamVersion(1),
                                     *redline::parse_instant("2026-06-03T09:00:01Z"), {}};
    redline::encode_envelope(redline::testing::new_event("hazard-H-1", data), stamp, &bytes);
    std::ofstream(std::string(dir) + "/event-" + std::to_string(n++), std::ios::binary) << bytes;
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)redline::decode_header(bytes);
  (void)redline::read_chain_fields(bytes);
  auto event = redline::decode_envelope(bytes);
  if (event.ok()) (void)redline::envelope_to_jsonl(*event);
  return 0;
}
