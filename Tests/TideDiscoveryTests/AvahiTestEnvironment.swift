import Foundation
import Synchronization
import Testing
import TideDiscovery

/// The confined Avahi environment started by `scripts/avahi/start --pair` (or
/// `scripts/avahi/test-env`), described by environment variables. Integration tests run only
/// when `TIDE_AVAHI_NETNS` is set.
enum AvahiTestEnvironment {
    static let variables = ProcessInfo.processInfo.environment

    static var namespace: String? { nonEmpty("TIDE_AVAHI_NETNS") }
    static var pairNamespace: String? { nonEmpty("TIDE_AVAHI_PAIR_NETNS") }
    static var pairBus: String? { nonEmpty("TIDE_AVAHI_B_BUS") }
    static var scripts: String? { nonEmpty("TIDE_AVAHI_SCRIPTS") }
    static var stateDirectory: String? { nonEmpty("TIDE_AVAHI_STATE_DIR") }

    static var isUp: Bool { namespace != nil && scripts != nil }
    static var hasPair: Bool { isUp && pairNamespace != nil && pairBus != nil }

    private static func nonEmpty(_ name: String) -> String? {
        guard let value = variables[name], !value.isEmpty else { return nil }
        return value
    }

    /// A unique service name for one test.
    static func uniqueName(_ base: String) -> String {
        "\(base)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Runs `scripts/avahi/daemon ACTION WHICH` and waits for it.
    static func daemon(_ action: String, _ which: String = "a") throws {
        guard let scripts else { throw EnvironmentError("TIDE_AVAHI_SCRIPTS not set") }
        var arguments = ["\(scripts)/daemon", action, which]
        if let stateDirectory { arguments += ["--state-dir", stateDirectory] }
        let process = try run(arguments)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw EnvironmentError("scripts/avahi/daemon \(action) \(which) exited \(process.terminationStatus)")
        }
    }

    /// Starts `avahi-publish -s` inside a test namespace (`pair: true` for namespace b and its
    /// private bus). Terminate the returned process to withdraw the service.
    static func avahiPublish(
        name: String, type: String = ServiceBrowser.defaultServiceType, port: UInt16, txt: [String],
        pair: Bool = false
    ) throws -> Process {
        try run(inNamespace(pair: pair, ["avahi-publish", "-s", name, type, String(port)] + txt))
    }

    /// Runs `avahi-browse -rtp TYPE` in a namespace and returns its output lines.
    static func avahiBrowse(type: String = ServiceBrowser.defaultServiceType, pair: Bool) throws -> [String] {
        let pipe = Pipe()
        let process = try run(inNamespace(pair: pair, ["timeout", "-k", "2", "10", "avahi-browse", "-rtp", type]), output: pipe)
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    private static func inNamespace(pair: Bool, _ command: [String]) throws -> [String] {
        guard let namespace = pair ? pairNamespace : namespace else {
            throw EnvironmentError("namespace not configured")
        }
        var arguments = ["ip", "netns", "exec", namespace]
        if pair, let pairBus { arguments += ["env", "DBUS_SYSTEM_BUS_ADDRESS=\(pairBus)"] }
        return arguments + command
    }

    private static func run(_ arguments: [String], output: Pipe? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        if let output { process.standardOutput = output } else { process.standardOutput = FileHandle.nullDevice }
        process.standardError = FileHandle.standardError
        try process.run()
        return process
    }
}

struct EnvironmentError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Kills a child process by its PID and waits for it. SIGKILL, because children of the test
/// process inherit a signal mask that blocks SIGTERM; the daemon withdraws the services of a
/// client whose D-Bus connection closed all the same.
func terminate(_ process: Process) {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
}

/// Records every event of a stream so a test can wait for the one it expects.
final class EventRecorder<Event: Sendable>: Sendable {
    private let storage = Mutex<[Event]>([])
    private let consumer = Mutex<Task<Void, Never>?>(nil)

    init(_ stream: AsyncStream<Event>) {
        let task = Task { [weak self] in
            for await event in stream {
                self?.storage.withLock { $0.append(event) }
            }
        }
        consumer.withLock { $0 = task }
    }

    var events: [Event] { storage.withLock { $0 } }

    /// Waits (polling) until an event after `from` matches; returns it, or nil on timeout.
    func next(
        after from: Int = 0, timeout: Duration = .seconds(15), where matches: (Event) -> Bool
    ) async -> (index: Int, event: Event)? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            let snapshot = events
            if from < snapshot.count {
                for index in from..<snapshot.count where matches(snapshot[index]) {
                    return (index, snapshot[index])
                }
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    func cancel() {
        consumer.withLock { $0?.cancel() }
    }
}

extension DiscoveryEvent {
    var instance: ServiceInstance? {
        switch self {
        case .found(let instance), .updated(let instance): instance
        default: nil
        }
    }

    func isFound(_ name: String) -> Bool {
        if case .found(let instance) = self { return instance.name == name }
        return false
    }

    func isRemoved(_ name: String) -> Bool {
        if case .removed(let removed) = self { return removed == name }
        return false
    }

    var isUnavailable: Bool {
        if case .daemonUnavailable = self { return true }
        return false
    }
}

extension PublisherEvent {
    var isUnavailable: Bool {
        if case .daemonUnavailable = self { return true }
        return false
    }

    var publishedName: String? {
        if case .published(let name) = self { return name }
        return nil
    }
}
