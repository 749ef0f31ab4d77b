"""Macros that turn files into targets, so that adding a file is all it takes:

  h2_library   a cc_library of h2engine's sans-I/O code, built without exceptions.
  h2_tests     one cc_test per `*_test.cc` in the package.
  h2_fuzzers   per `fuzz/<target>_fuzzer.cc`: a fuzzer binary `<target>_fuzzer` (libFuzzer under
               --config=fuzz, else linked with a driver that replays files) and a test
               `<target>_corpus_test` that replays `fuzz/corpus/<target>/` in every build.
  h2_benchmarks one Google Benchmark binary per `*_bench.cc`, plus a `<name>_smoke_test` that
               runs each benchmark for one iteration, so benchmarks cannot rot.
"""

NO_EXCEPTIONS = ["-fno-exceptions"]

def h2_library(name, copts = [], exceptions = False, **kwargs):
    native.cc_library(
        name = name,
        copts = copts + ([] if exceptions else NO_EXCEPTIONS),
        **kwargs
    )

def h2_tests(deps = [], data = [], srcs = None, size = "small", tags = [], exclude = [], **kwargs):
    if srcs == None:
        srcs = native.glob(["*_test.cc"], exclude = exclude)
    for src in srcs:
        native.cc_test(
            name = src[:-len(".cc")],
            srcs = [src],
            deps = deps + ["@com_google_googletest//:gtest_main"],
            data = data,
            size = size,
            tags = tags,
            **kwargs
        )

def h2_fuzzers(deps = [], data = []):
    for src in native.glob(["*_fuzzer.cc"]):
        name = src[:-len(".cc")]
        target = name[:-len("_fuzzer")]
        native.cc_binary(
            name = name,
            srcs = [src],
            deps = deps + select({
                "//fuzz:fuzz_mode": [],
                "//conditions:default": ["//fuzz:replay_main"],
            }),
            linkopts = select({
                "//fuzz:fuzz_mode": ["-fsanitize=fuzzer"],
                "//conditions:default": [],
            }),
            data = data,
        )
        corpus = native.glob(["corpus/%s/**" % target])
        if not corpus:
            fail("fuzz/%s has no seed corpus: add files under fuzz/corpus/%s/" % (src, target))
        native.cc_test(
            name = target + "_corpus_test",
            srcs = [src],
            deps = deps + ["//fuzz:replay_main"],
            data = corpus + data,
            args = ["fuzz/corpus/" + target],
            size = "small",
        )

def h2_benchmarks(deps = [], data = []):
    for src in native.glob(["*_bench.cc"]):
        name = src[:-len(".cc")]
        native.cc_binary(
            name = name,
            srcs = [src],
            deps = deps + ["@com_google_benchmark//:benchmark_main"],
            data = data,
        )
        native.cc_test(
            name = name + "_smoke_test",
            srcs = [src],
            deps = deps + ["@com_google_benchmark//:benchmark_main"],
            data = data,
            args = ["--benchmark_min_time=0"],
            size = "medium",
        )
