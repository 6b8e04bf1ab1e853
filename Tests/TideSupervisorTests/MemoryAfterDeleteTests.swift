import Foundation
import Testing
import TideSupervisor
@testable import TideTesting

/// A real `tide supervisor` process gives the memory of a removed deployment back.
@Suite(.stopsWhatItStarts) struct MemoryAfterDeleteTests {
    /// A node of `modules` fibo modules, each instantiated on its own.
    static func largeNode(id: String, origin: String, modules: Int) throws -> NodeFixture {
        var node = NodeFixture(id: id)
        for index in 0..<modules {
            node.module(
                "fibo\(index)", url: origin + "/fibo.wasm", sha256: .init(binary: BlobCache.digest(of: try Fixtures.fibo)),
                functions: [.init(name: "fibo", parameters: [NodeFixture.integer], result: NodeFixture.integer)])
        }
        return node
    }

    /// Large but allowed (with `--max-node-modules 1000`): the node is about 700 KB.
    static let modules = 1000

    @Test func deletingALargeNodeReturnsNearTheBaseline() async throws {
        let files = FileServer(["fibo.wasm": try Fixtures.fibo])
        let origin = try await files.start()
        let supervisor = try await ChildProcess.startSupervisor([
            "--data-dir", TemporaryDirectory.make("memory"), "--release-startup-pages-after", "0",
            "--max-node-modules", String(Self.modules),
        ])
        defer {
            supervisor.stop()
        }
        func deploy(_ node: NodeFixture) async throws -> Int {
            try await http(.POST, supervisor.base + "/deploy", body: try node.bytes(), headers: [("content-type", "application/json")])
                .status
        }
        func settle() async throws -> Int {
            try await Task.sleep(for: .milliseconds(500))
            return supervisor.residentBytes
        }
        // Warm up whatever the first deployment and call allocate once (HTTP client, engine).
        #expect(try await deploy(try Self.largeNode(id: "warm", origin: origin, modules: 1)) == 200)
        #expect(try await http(.GET, supervisor.base + "/warm/modules/fibo0/fibo?wait=true&param0=10").status == 200)
        #expect(try await http(.DELETE, supervisor.base + "/deploy/warm").status == 200)
        let baseline = try await settle()

        var deployed = 0
        var removed = 0
        for round in 0..<3 {
            #expect(try await deploy(try Self.largeNode(id: "large", origin: origin, modules: Self.modules)) == 200)
            #expect(try await http(.GET, supervisor.base + "/large/modules/fibo\(Self.modules - 1)/fibo?wait=true&param0=10").status == 200)
            deployed = max(deployed, try await settle())
            #expect(try await http(.DELETE, supervisor.base + "/deploy/large").status == 200, "round \(round)")
            removed = try await settle()
        }
        let mib = { (bytes: Int) in Double(bytes) / 1_048_576 }
        print(
            "{\"baselineMiB\": \(mib(baseline)), \"deployedMiB\": \(mib(deployed)), \"afterDeleteMiB\": \(mib(removed))}")
        // Loose: most of what the deployment took is given back, and repeating it does not grow.
        #expect(removed - baseline < max(16 << 20, (deployed - baseline) / 3), "baseline \(mib(baseline)) MiB, deployed \(mib(deployed)) MiB, after delete \(mib(removed)) MiB")
    }
}
