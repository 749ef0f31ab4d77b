"""h2engine_dependencies(): declares the external repositories h2engine's BUILD files use.

Call it from your WORKSPACE after `local_repository`/`http_archive` of h2engine. Any repository
you have already declared (for example upstream BoringSSL) is left alone.
"""

load("//bazel:debian.bzl", "debian_benchmark", "debian_boringssl", "debian_googletest", "debian_nghttp2")

def h2engine_dependencies():
    if not native.existing_rule("boringssl"):
        debian_boringssl(name = "boringssl")
    if not native.existing_rule("com_google_googletest"):
        debian_googletest(name = "com_google_googletest")
    if not native.existing_rule("com_google_benchmark"):
        debian_benchmark(name = "com_google_benchmark")
    if not native.existing_rule("nghttp2"):
        debian_nghttp2(name = "nghttp2")
