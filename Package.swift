// swift-tools-version:6.0
// helpprof: few-shot latency prediction for NAS on any Linux CPU.
//
// Layering (dependencies point one way, downwards):
//   helpprof (CLI)
//     ├─ Onboarding (embed, adapt) ── Profiler, Predictor
//     ├─ Profiler ── Runtime ── CKernels (kernels/), COpenBLAS (GEMM, thread count), Counters
//     │     └─ Counters ── CPAPI, CSys, COpenBLAS (OpenBLASFacts: the one place that queries OpenBLAS)
//     ├─ Predictor ── AutoDiff ── COpenBLAS
//     │     ├─ TensorFile (safetensors, verified)
//     │     └─ COpenBLAS (the fast forward's GEMMs), CSys (the heap hint for batched prediction)
//     ├─ SearchSpace (NB201, OFA; pure Swift, no dependencies)
//     └─ SafeIO (atomic writes, locks, checked stdout; used by every target that writes files)
// Kernels know nothing of networks; the predictor knows nothing of timing.
import PackageDescription

let optimised: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]
let cOptimised: [CSetting] = [.unsafeFlags(["-O3", "-fno-math-errno"])]

let package = Package(
  name: "helpprof",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "helpprof", targets: ["helpprof"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
  ],
  targets: [
    // System libraries
    .systemLibrary(name: "COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CPAPI", providers: [.apt(["libpapi-dev"])]),
    .target(name: "CSys", cSettings: cOptimised),
    // Atomic file writes, locks, checked stdout (no dependencies; every writer of files uses it).
    .target(name: "SafeIO", exclude: ["README.md"]),

    // Kernels: C microkernels, one variant per file, plus the registry (kernels/registry.c).
    .target(name: "CKernels", path: "kernels", exclude: ["configs", "README.md"], cSettings: cOptimised),

    // Libraries
    .target(name: "SearchSpace", exclude: ["README.md"], swiftSettings: optimised),
    .target(name: "Runtime", dependencies: ["SearchSpace", "CKernels", "COpenBLAS", "Counters", "SafeIO"], exclude: ["README.md"], swiftSettings: optimised),
    .target(name: "Counters", dependencies: ["CPAPI", "CSys", "COpenBLAS"], exclude: ["README.md"], swiftSettings: optimised),
    .target(name: "Profiler", dependencies: ["Counters", "Runtime", "SearchSpace", "SafeIO"], exclude: ["README.md"], swiftSettings: optimised),
    .target(name: "AutoDiff", dependencies: ["COpenBLAS"], exclude: ["README.md"], swiftSettings: optimised),
    .target(name: "TensorFile", dependencies: ["SafeIO"], exclude: ["README.md"], swiftSettings: optimised),
    .target(name: "Predictor", dependencies: ["AutoDiff", "SearchSpace", "TensorFile", "COpenBLAS", "CSys"],
            exclude: ["RESULTS.md", "MODEL.md", "README.md"], resources: [.copy("Resources")], swiftSettings: optimised),

    .target(name: "Onboarding", dependencies: ["Profiler", "Predictor", "TensorFile", "Counters", "SearchSpace", "SafeIO"], exclude: ["README.md"],
            swiftSettings: optimised),

    // CLI
    .executableTarget(name: "helpprof", dependencies: [
      "SearchSpace", "Runtime", "Counters", "Profiler", "Predictor", "TensorFile", "Onboarding", "SafeIO",
      .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ], exclude: ["README.md"], swiftSettings: optimised),

    // Tests
    .testTarget(name: "SearchSpaceTests", dependencies: ["SearchSpace", "TensorFile"], resources: [.copy("Fixtures")]),
    .testTarget(name: "KernelTests", dependencies: ["CKernels", "COpenBLAS"]),
    .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "SearchSpace", "CKernels"]),
    .testTarget(name: "CountersTests", dependencies: ["Counters", "CSys"]),
    .testTarget(name: "ProfilerTests", dependencies: ["Profiler", "Counters", "Runtime", "SearchSpace"]),
    .testTarget(name: "AutoDiffTests", dependencies: ["AutoDiff"]),
    .testTarget(name: "PredictorTests", dependencies: ["Predictor", "AutoDiff", "SearchSpace"]),
    .testTarget(name: "TensorFileTests", dependencies: ["TensorFile"]),
    .testTarget(name: "SafeIOTests", dependencies: ["SafeIO"]),
    .testTarget(name: "OnboardingTests", dependencies: ["Onboarding"]),
    .testTarget(name: "CLITests", dependencies: ["helpprof"], exclude: ["Snapshots"]),
  ],
  swiftLanguageModes: [.v5]
)
