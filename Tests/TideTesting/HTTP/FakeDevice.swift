import Foundation
import Hummingbird
import Logging
import Synchronization
import TideHTTP
import TideModel

/// An in-process HTTP server that answers like a wasmiot supervisor, with switchable misbehaviour.
final class FakeDevice: Sendable {
    enum Behaviour: Sendable {
        case healthy
        case notJSON
        case missingMemory
        case healthMissingFields
        case failing(status: Int)
        case hanging
    }

    let port: Int
    /// The id the device reports in its description's `tide` object, like a Tide supervisor.
    let tideID: String?
    /// Qualified host functions it reports (`tide.imports`).
    let imports: [String]
    private let state: Mutex<(behaviour: Behaviour, healthRequests: Int)>
    /// Deployment nodes received on `POST /deploy` and ids removed with `DELETE /deploy/{id}`, in order.
    /// The Authorization header of every deploy and removal, nil where there was none.
    private let deploys = Mutex<(nodes: [JSONValue], removed: [String], authorizations: [String?])>(([], [], []))

    var receivedNodes: [JSONValue] { deploys.withLock { $0.nodes } }
    var receivedAuthorizations: [String?] { deploys.withLock { $0.authorizations } }
    var removedDeployments: [String] { deploys.withLock { $0.removed } }
    private let running: RunningServer

    /// The description as the device sends it, spacing and key order included.
    static let descriptionText = """
        {"supervisorInterfaces": ["fd_write", "millis", "takeImageStaticSize"],
         "platform": {"memory": {"bytes": 268435456},
                      "cpu": {"humanReadableName": "Simulated Cortex-A53", "clockSpeed": {"Hz": 1200000000}}}}
        """

    static let description: JSONValue = [
        "platform": [
            "memory": ["bytes": 268_435_456],
            "cpu": ["humanReadableName": "Simulated Cortex-A53", "clockSpeed": ["Hz": 1_200_000_000]],
        ],
        "supervisorInterfaces": ["fd_write", "millis", "takeImageStaticSize"],
    ]

    var behaviour: Behaviour {
        get { state.withLock { $0.behaviour } }
        set { state.withLock { $0.behaviour = newValue } }
    }

    var healthRequests: Int { state.withLock { $0.healthRequests } }

    var address: String { "127.0.0.1:\(port)" }

    private init(port: Int, tideID: String?, imports: [String], behaviour: Behaviour, running: RunningServer) {
        self.port = port
        self.tideID = tideID
        self.imports = imports
        self.state = Mutex((behaviour, 0))
        self.running = running
    }

    static func start(_ behaviour: Behaviour = .healthy, tideID: String? = nil, imports: [String] = []) async throws -> FakeDevice {
        let shared = SharedState()
        let running = try await startServer(logger: quietLogger) { Self.router(shared) }
        let port = running.port
        let device = FakeDevice(port: port, tideID: tideID, imports: imports, behaviour: behaviour, running: running)
        shared.owner.withLock { $0 = device }
        // Stopped with the test's other servers (concurrently): a hanging answer then gives up.
        TestScope.adopt("a fake device on port \(port)") { device.stopping.withLock { $0 = true } }
        return device
    }

    private static func router(_ shared: SharedState) -> Router<BasicRequestContext> {
        let router = Router()
        router.get(".well-known/wasmiot-device-description") { _, _ in try await shared.answer(health: false) }
        router.get("health") { _, _ in try await shared.answer(health: true) }
        // Like a wasmiot supervisor: accepts any node, answers without Tide's fields.
        router.post("deploy") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            let node = try JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView))
            shared.owner.withLock { $0 }?.deploys.withLock {
                $0.nodes.append(node)
                $0.authorizations.append(request.headers[.authorization])
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status": "success"}"#)))
        }
        router.delete("deploy/{id}") { request, context in
            let id = try context.parameters.require("id")
            shared.owner.withLock { $0 }?.deploys.withLock {
                $0.removed.append(id)
                $0.authorizations.append(request.headers[.authorization])
            }
            return Response(status: .ok)
        }
        return router
    }

    /// Idempotent: the test scope stops it again at the end of the test.
    /// Set by `stop`: a hanging answer gives up, so the server's graceful shutdown need not wait for it.
    private let stopping = Mutex(false)

    func stop() async {
        stopping.withLock { $0 = true }
        await running.stop()
    }

    fileprivate func respond(health: Bool) async throws -> Response {
        let behaviour = state.withLock { state in
            if health { state.healthRequests += 1 }
            return state.behaviour
        }
        switch behaviour {
        case .healthy:
            if !health, let tideID {
                var fields = Self.description.objectValue ?? [:]
                fields["tide"] = ["id": .string(tideID), "name": "fake tide supervisor", "imports": .array(imports.map(JSONValue.string))]
                return json(.object(fields))
            }
            guard health else {
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: Self.descriptionText)))
            }
            // As the real ones do: a wasmiot supervisor gives cpuUsage in percent (psutil), a Tide
            // supervisor a fraction; memoryUsage is a fraction for both.
            return json(["cpuUsage": tideID == nil ? 25.0 : 0.25, "memoryUsage": 0.5])
        case .notJSON:
            return Response(status: .ok, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: "<html>hello</html>")))
        case .missingMemory:
            return json(health ? ["cpuUsage": 0.25, "memoryUsage": 0.5] : ["platform": ["cpu": [:]], "supervisorInterfaces": []])
        case .healthMissingFields:
            return json(health ? ["cpuUsage": 0.25] : Self.description)
        case .failing(let status):
            return Response(status: .init(code: status))
        case .hanging:
            let until = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < until, !stopping.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(50)) }
            return Response(status: .ok)
        }
    }

    private func json(_ value: JSONValue) -> Response {
        let data = (try? JSONEncoder().encode(value)) ?? Data()
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Lets the router reach the device once it exists.
private final class SharedState: Sendable {
    let owner = Mutex<FakeDevice?>(nil)

    func answer(health: Bool) async throws -> Response {
        guard let device = owner.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
        return try await device.respond(health: health)
    }
}
