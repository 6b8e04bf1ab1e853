import Synchronization
import Testing

/// What one test started (servers, supervisors, devices, child processes): stopped as soon as the
/// test ends, passed, failed or thrown. Everything a helper here starts joins the scope of the
/// test that runs it. The test's suite waits for every stop before it ends, so nothing outlives
/// its suite, and a test that follows in a serialized suite need not wait for graceful shutdowns.
final class TestScope: Sendable {
    @TaskLocal static var current: TestScope?

    private let stops = Mutex<[@Sendable () async -> Void]>([])
    /// Stops still running of the tests of this suite.
    private let stopping = Mutex<[Task<Void, Never>]>([])

    /// Registers how to stop something just started. Outside a test scope it records an issue:
    /// the suite lacks `.stopsWhatItStarts`, and what it starts would outlive it.
    static func adopt(_ what: String, stop: @escaping @Sendable () async -> Void) {
        guard let current else {
            Issue.record("\(what) was started outside a test scope: give the suite the .stopsWhatItStarts trait")
            return
        }
        current.stops.withLock { $0.append(stop) }
    }

    /// Stops everything at once: what one test started does not depend on the rest's shutdown.
    func stopAll() async {
        let stops = self.stops.withLock { stops in
            defer { stops.removeAll() }
            return stops
        }
        await withTaskGroup(of: Void.self) { group in
            for stop in stops { group.addTask { await stop() } }
        }
    }

    /// Runs a test in a scope of its own; its stops start when it ends and `suite` waits for them
    /// (without a suite, the test does).
    static func runTest<T>(in suite: TestScope?, _ body: () async throws -> T) async throws -> T {
        let scope = TestScope()
        defer {
            if let suite {
                let stopping = Task { await scope.stopAll() }
                suite.stopping.withLock { $0.append(stopping) }
            }
        }
        return try await $current.withValue(scope) {
            do {
                let result = try await body()
                if suite == nil { await scope.stopAll() }
                return result
            } catch {
                if suite == nil { await scope.stopAll() }
                throw error
            }
        }
    }

    /// Runs a suite and waits for the stops of its tests.
    static func runSuite(_ body: () async throws -> Void) async throws {
        let suite = TestScope()
        do {
            try await $current.withValue(suite) { try await body() }
        } catch {
            await suite.finish()
            throw error
        }
        await suite.finish()
    }

    private func finish() async {
        await stopAll()
        while let next = stopping.withLock({ $0.popLast() }) { await next.value }
    }
}

/// Gives every test of a suite a `TestScope`: what it starts is stopped when it ends.
struct StopsWhatItStarts: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        if test.isSuite {
            try await TestScope.runSuite(function)
        } else {
            try await TestScope.runTest(in: TestScope.current) { try await function() }
        }
    }
}

extension Trait where Self == StopsWhatItStarts {
    /// What each test starts is stopped when it ends (see `TestScope`).
    static var stopsWhatItStarts: Self { StopsWhatItStarts() }
}
