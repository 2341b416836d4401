// swift-tools-version:6.0
// Roost: a job-queue worker cluster for image analysis.
// No Swift package dependencies: Foundation, Dispatch and Debian's C libraries only.
import PackageDescription

// The inference engine's kernels are written for wide SIMD: on x86_64 the worker is built for the
// CPU it is built on (`native`: AVX2/AVX-512 where present), which makes MobileNetV2 2.6× faster
// than Swift's default SSE2 target (docs/PERFORMANCE.md). `make up` builds where it runs; to
// build worker binaries for other machines set ROOST_TARGET_CPU (`haswell` runs on any x86
// server since 2013; `x86-64` on anything).
#if arch(x86_64)
let workerCPUFlags = ["-target-cpu", Context.environment["ROOST_TARGET_CPU"] ?? "native"]
#else
let workerCPUFlags: [String] = []
#endif

let package = Package(
    name: "Roost",
    products: [
        .executable(name: "roost-gateway", targets: ["Gateway"]),
        .executable(name: "roost-worker", targets: ["Worker"]),
        .executable(name: "roost", targets: ["CLI"]),
    ],
    targets: [
        // Thin C targets: system libraries found through pkg-config, plus the libjpeg shim.
        .systemLibrary(name: "CHiredis", path: "Sources/CHiredis", pkgConfig: "hiredis",
                       providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        // Linux's epoll and eventfd headers, which Swift's Glibc module leaves out (the gateway's event loop).
        .systemLibrary(name: "CEpoll", path: "Sources/CEpoll"),
        .target(name: "CJPEG", path: "Sources/CJPEG",
                cSettings: [.unsafeFlags(["-O2"])],
                linkerSettings: [.linkedLibrary("jpeg")]),
        // SHA-256 with the x86 SHA extensions: uploads are hashed at memory speed (Swift has no
        // intrinsics for them); Shared falls back to its own Swift compression elsewhere.
        .target(name: "CSHA256", path: "Sources/CSHA256", cSettings: [.unsafeFlags(["-O2"])]),

        // The contract between gateway and workers: jobs, Redis layout, config, logging, decoding.
        // Everything that parses untrusted input (HTTP, multipart, JSON, JPEG markers, EXIF, Redis
        // replies) is built with Swift's normal checks: bounds and overflow traps stay on.
        .target(name: "Shared", dependencies: ["CHiredis", "CJPEG", "CSHA256"], path: "Sources/Shared"),
        .executableTarget(name: "Gateway", dependencies: ["Shared", "CSQLite", "CEpoll"], path: "Sources/Gateway"),
        // The inference engine: a library of its own, the only code built with -Ounchecked (its
        // kernels index tensors whose shapes the graph planner has already checked) and for the
        // build machine's CPU. It reads model files only from `make models` (pinned by SHA-256).
        .target(name: "Inference", path: "Sources/Worker/Inference",
                swiftSettings: [.unsafeFlags(["-Ounchecked"] + workerCPUFlags, .when(configuration: .release))]),
        .executableTarget(name: "Worker", dependencies: ["Shared", "Inference"], path: "Sources/Worker", exclude: ["Inference"],
                          swiftSettings: [.unsafeFlags(workerCPUFlags, .when(configuration: .release))]),

        // `roost`: the command-line tool (batch importer); an HTTP client of the gateway, nothing more.
        .executableTarget(name: "CLI", dependencies: ["Shared"], path: "Sources/CLI"),

        .testTarget(name: "RoostTests", dependencies: ["Shared", "Gateway", "Worker", "Inference", "CLI"], path: "Tests/RoostTests"),
    ],
    swiftLanguageModes: [.v6]
)
