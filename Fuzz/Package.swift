// swift-tools-version:6.1
// Tide's fuzz targets: one libFuzzer executable per parser that takes outside input. Kept out of
// the shipped product; built and run by scripts/fuzz (see docs/fuzzing.md), which passes
// `-sanitize=fuzzer,address` so that the Tide modules are instrumented as well.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

/// A fuzz target: `fuzz-<name>` in Sources/fuzz-<name> (main.swift hands its test function to
/// libFuzzer), seeded from Corpus/<name>.
func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: "fuzz-\(name)",
        dependencies: ["FuzzSupport"] + products.map { .product(name: $0, package: "Tide") },
        swiftSettings: swiftSettings
    )
}

let package = Package(
    name: "TideFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Tide", path: ".."),
    ],
    targets: [
        .target(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"], swiftSettings: swiftSettings),
        fuzzTarget("tar", ["TidePackageFormat", "TideModel"]),
        fuzzTarget("wasm", ["TideWasm", "TidePackageFormat"]),
        fuzzTarget("package-yaml", ["TidePackageFormat", "TideModel"]),
        fuzzTarget("manifest", ["TideManifest", "TideModel"]),
        fuzzTarget("description", ["TideModel"]),
        fuzzTarget("heartbeat", ["TideModel"]),
        fuzzTarget("version-range", ["TideModel"]),
        fuzzTarget("deploy-node", ["TideModel"]),
        fuzzTarget("snapshot", ["TideLiquid", "TidePackageFormat"]),
    ]
)
