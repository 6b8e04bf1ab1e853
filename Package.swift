// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Tide",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tide", targets: ["TideCLI"]),
        .executable(name: "tide-bench", targets: ["TideBench"]),
        // The light cores as libraries, for the fuzz package under Fuzz/ (it depends on this one by path).
        .library(name: "TideModel", targets: ["TideModel"]),
        .library(name: "TideWasm", targets: ["TideWasm"]),
        .library(name: "TidePackageFormat", targets: ["TidePackageFormat"]),
        .library(name: "TideManifest", targets: ["TideManifest"]),
        .library(name: "TideLiquid", targets: ["TideLiquid"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swiftwasm/WasmKit.git", from: "0.4.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .target(name: "TideModel", swiftSettings: swiftSettings),
        .target(name: "TideWasm", swiftSettings: swiftSettings),
        .target(name: "TideResolver", dependencies: ["TideModel"], swiftSettings: swiftSettings),
        .target(name: "TideYAML", dependencies: [.product(name: "Yams", package: "Yams")], swiftSettings: swiftSettings),
        .target(
            name: "TideManifest",
            dependencies: ["TideModel", "TideYAML", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(name: "TidePlacement", dependencies: ["TideModel"], swiftSettings: swiftSettings),
        // Liquid state: the snapshot of a module instance, its file format and checks.
        .target(
            name: "TideLiquid",
            dependencies: ["TidePackageFormat", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        // Seeded synthetic registries, fleets and workloads for the benchmarks and the tests (not shipped).
        .target(name: "TideFixtures", dependencies: ["TideModel", "TideResolver", "TidePlacement"], swiftSettings: swiftSettings),
        .systemLibrary(name: "CAvahi", providers: [.apt(["libavahi-client-dev"])]),
        // mremap for the supervisor's restores (variadic in C, so Swift cannot call it).
        .target(name: "CTideMemory"),
        .target(
            name: "TideDiscovery",
            dependencies: ["CAvahi", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TideSigning",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TideTLS",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TidePackageFormat",
            dependencies: [
                "TideModel", "TideWasm", "TideYAML", "TideSigning",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TideStore",
            dependencies: ["TideModel", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // The PostgreSQL backend of the store (issue 19): the same `FleetStore` interface and schema.
        .target(
            name: "TidePostgresStore",
            dependencies: [
                "TideModel", "TideStore", "TidePackageFormat",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TideHTTP",
            dependencies: [
                "TideModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TideOrchestrator",
            dependencies: [
                "TideModel", "TideStore", "TidePostgresStore", "TideHTTP", "TidePackageFormat", "TideResolver", "TideDiscovery", "TideManifest", "TidePlacement",
                "TideSigning", "TideTLS", "TideLiquid",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            exclude: ["Dashboard/assets"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TideClient",
            dependencies: [
                "TideModel", "TideTLS",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TideSupervisor",
            dependencies: [
                "TideModel", "TideHTTP", "TideSigning", "TideTLS", "TideYAML", "TideLiquid", "TidePackageFormat", "CTideMemory",
                .product(name: "WasmKit", package: "WasmKit"),
                .product(name: "WasmKitWASI", package: "WasmKit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "TideCLI",
            dependencies: [
                "TideModel", "TideOrchestrator", "TideClient", "TideResolver", "TidePackageFormat", "TideSupervisor",
                "TideDiscovery", "TideSigning", "TideTLS", "TideHTTP", "TideStore", "TidePostgresStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The benchmarks: not shipped; they drive the `tide` binary as child processes.
        .executableTarget(
            name: "TideBench",
            dependencies: [
                "TideModel", "TideStore", "TideOrchestrator", "TideClient", "TideResolver", "TidePackageFormat", "TideSupervisor",
                "TidePlacement", "TideTLS", "TideFixtures", "TideHTTP", "TidePostgresStore", "TideLiquid",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "WasmKit", package: "WasmKit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "WAT", package: "WasmKit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: swiftSettings
        ),
        // A model of LiquidAI's wasmiot supervisor that the tests run beside Tide (not shipped).
        .executableTarget(
            name: "wasmiot-model",
            dependencies: [
                "TideModel", "TideHTTP",
                .product(name: "WasmKit", package: "WasmKit"),
                .product(name: "WasmKitWASI", package: "WasmKit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/WasmiotModel",
            swiftSettings: swiftSettings
        ),
        // What the tests share (not shipped): scoped servers, supervisors and child processes that
        // are always stopped, the fake wasmiot device, file servers, HTTP helpers, one Wasm builder.
        .target(
            name: "TideTesting",
            dependencies: [
                "TideModel", "TideStore", "TidePostgresStore", "TideOrchestrator", "TideSupervisor", "TideClient", "TidePackageFormat",
                "TideHTTP", "TideTLS", "TideWasm",
                .product(name: "WAT", package: "WasmKit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tests/TideTesting",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TideModelTests",
            dependencies: ["TideModel", "TideFixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TideResolverTests",
            dependencies: ["TideModel", "TideResolver", "TideFixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TideSupervisorTests",
            dependencies: [
                "TideTesting",
                "TideSupervisor", "TideModel", "TideTLS", "TideSigning", "TideHTTP", "TideLiquid", "TidePackageFormat",
                .product(name: "WAT", package: "WasmKit"),
                .product(name: "WasmKit", package: "WasmKit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TideHTTPTests",
            dependencies: [
                "TideHTTP", "TideModel", .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "TideManifestTests", dependencies: ["TideManifest", "TideModel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TideYAMLTests", dependencies: ["TideYAML", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings),
        .testTarget(name: "TideSigningTests", dependencies: ["TideSigning"], swiftSettings: swiftSettings),
        .testTarget(name: "TideLiquidTests", dependencies: ["TideLiquid", "TidePackageFormat"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TideTLSTests",
            dependencies: [
                "TideTesting", "TideTLS", .product(name: "X509", package: "swift-certificates"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "TidePlacementTests", dependencies: ["TidePlacement", "TideModel", "TideFixtures"], swiftSettings: swiftSettings),
        .testTarget(name: "TideDiscoveryTests", dependencies: ["TideDiscovery", "CAvahi"], swiftSettings: swiftSettings),
        // The command line's output, rendered from values (no server).
        .testTarget(name: "TideCLITests", dependencies: ["TideCLI", "TideModel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TidePackageFormatTests",
            dependencies: ["TideTesting", "TidePackageFormat", "TideModel", "TideWasm"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TideWasmTests",
            dependencies: ["TideTesting", "TideWasm", "TideFixtures"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TideStoreTests",
            dependencies: [
                "TideModel", "TideStore", "TidePostgresStore", "TidePackageFormat", "TideTesting", "TideFixtures",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TideOrchestratorTests",
            dependencies: [
                "TideTesting",
                "TideModel", "TideStore", "TidePostgresStore", "TideOrchestrator", "TideClient", "TidePackageFormat", "TideSigning", "TideTLS", "TideHTTP",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
