// jemalloc's settings for every program and test that links redline_allocator: jemalloc
// reads this symbol at start-up (MALLOC_CONF in the environment still overrides it).
//
// Transparent huge pages for its arenas and metadata: a projection rebuild fills half a
// GiB of decoded states and write batches, and with 4 KiB pages it spent a tenth of its CPU
// faulting them in (kernel page faults and memory-cgroup charging). With 2 MiB pages the
// 3.3M-event rebuild took 11% less CPU and 13% less time (medians of six alternating runs,
// BENCHMARKS.md), for about 50 MiB more resident memory. The kernel's THP mode "madvise"
// (Debian's default) is what this asks for; with THP off it changes nothing.
extern "C" {
// NOLINTNEXTLINE: the name is jemalloc's.
const char* malloc_conf = "thp:always,metadata_thp:always";
}
