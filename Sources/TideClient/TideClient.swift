import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization
import TideModel

/// A typed client of the Tide HTTP API, shared by the CLI and the tests.
/// Given several servers (replicas sharing one database), it keeps to the one that last answered
/// and moves to the next when that one cannot be reached (see `ServerFailover`).
public struct TideClient: Sendable {
    /// The server requests go to first: the one that last answered, at first the first of `baseURLs`.
    public var baseURL: String { rotation.current }
    /// Every server this client may use, in the order given.
    public var baseURLs: [String] { rotation.urls }
    let rotation: ServerRotation
    let token: String?
    let http: HTTPClient
    let timeout: Duration
    /// How long requests wait for a leader while the replicas elect one (503 `no_leader`).
    public var noLeaderPatience: Duration = .seconds(10)

    /// A process-wide client that fails at once when nothing listens, instead of retrying
    /// connections until the deadline: an operator wants "connection refused" now.
    public static let failFastHTTP: HTTPClient = failFastHTTP(tls: nil)

    /// Such a client that trusts what `tls` says (the fleet CA). It lives until the process ends,
    /// like `failFastHTTP`: an HTTPClient must not be released before it is shut down.
    public static func failFastHTTP(tls: TLSConfiguration?) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(5)
        configuration.connectionPool.retryConnectionEstablishment = false
        if let tls { configuration.tlsConfiguration = tls }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        keptClients.withLock { $0.append(client) }
        return client
    }

    private static let keptClients = Mutex<[HTTPClient]>([])

    public init(baseURL: String, token: String?, http: HTTPClient = TideClient.failFastHTTP, timeout: Duration = .seconds(30)) {
        self.init(urls: [ServerURLList.normalize(baseURL)], token: token, http: http, timeout: timeout)
    }

    /// A client of several servers that serve the same fleet, tried in `servers`' order.
    public init(servers: ServerURLList, token: String?, http: HTTPClient = TideClient.failFastHTTP, timeout: Duration = .seconds(30)) {
        self.init(urls: servers.urls, token: token, http: http, timeout: timeout)
    }

    private init(urls: [String], token: String?, http: HTTPClient, timeout: Duration) {
        self.rotation = ServerRotation(urls: urls)
        self.token = token
        self.http = http
        self.timeout = timeout
    }

    // MARK: Devices

    public func devices(status: DeviceStatus? = nil) async throws(ClientError) -> [Device] {
        var path = "/api/v1/devices"
        if let status { path += "?status=\(status.rawValue)" }
        return try await send(.GET, path, as: DeviceList.self).devices
    }

    public func device(_ id: DeviceID) async throws(ClientError) -> Device {
        try await send(.GET, "/api/v1/devices/\(escaped(id.rawValue))", as: Device.self)
    }

    /// Registers the supervisor at `address` (`host:port`); the server asks the device about itself.
    public func addDevice(address: String, name: String? = nil) async throws(ClientError) -> Device {
        try await send(.POST, "/api/v1/devices", body: RegisterDeviceRequest(address: address, name: name), as: Device.self)
    }

    /// Trusts a device that entered through an open route: it may take work from now on.
    public func approveDevice(_ id: DeviceID) async throws(ClientError) -> Device {
        try await send(.POST, "/api/v1/devices/\(escaped(id.rawValue))/approve", as: Device.self)
    }

    /// Stops trusting a device at once: its steps move elsewhere, its heartbeats are refused.
    public func revokeDevice(_ id: DeviceID) async throws(ClientError) -> Device {
        try await send(.POST, "/api/v1/devices/\(escaped(id.rawValue))/revoke", as: Device.self)
    }

    /// Keeps new work off a device (`true`) or lets it take work again (`false`).
    public func cordonDevice(_ id: DeviceID, _ cordoned: Bool = true) async throws(ClientError) -> Device {
        try await send(.POST, "/api/v1/devices/\(escaped(id.rawValue))/\(cordoned ? "cordon" : "uncordon")", as: Device.self)
    }

    /// Cordons a device and moves every step off it, carrying the state of stateful steps. A drain
    /// may wait for runs under way (up to a minute) and for the deploys: it has two minutes more.
    public func drainDevice(_ id: DeviceID) async throws(ClientError) -> DrainReport {
        try await send(.POST, "/api/v1/devices/\(escaped(id.rawValue))/drain", as: DrainReport.self, timeout: timeout + .seconds(120))
    }

    public func removeDevice(_ id: DeviceID) async throws(ClientError) {
        _ = try await exchange(.DELETE, "/api/v1/devices/\(escaped(id.rawValue))", body: nil)
    }

    /// Sets labels (value) and removes them (nil).
    public func label(_ id: DeviceID, _ changes: [String: String?]) async throws(ClientError) -> Device {
        try await send(.PATCH, "/api/v1/devices/\(escaped(id.rawValue))", body: DevicePatch(labels: changes), as: Device.self)
    }

    // MARK: Tokens

    public func tokens() async throws(ClientError) -> [APIToken] {
        try await send(.GET, "/api/v1/tokens", as: TokenList.self).tokens
    }

    /// Creates a token; its secret is in the answer and nowhere else.
    public func createToken(name: String, role: OperatorRole) async throws(ClientError) -> CreatedToken {
        try await send(.POST, "/api/v1/tokens", body: CreateTokenRequest(name: name, role: role), as: CreatedToken.self)
    }

    /// The audit log: entries after `after`, or the newest `limit`.
    public func audit(after: Int64? = nil, limit: Int? = nil) async throws(ClientError) -> AuditPage {
        var query: [String] = []
        if let after { query.append("after=\(after)") }
        if let limit { query.append("limit=\(limit)") }
        return try await send(.GET, "/api/v1/audit" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")), as: AuditPage.self)
    }

    public func revokeToken(_ id: String) async throws(ClientError) {
        _ = try await exchange(.DELETE, "/api/v1/tokens/\(escaped(id))", body: nil)
    }

    // MARK: Join tokens

    /// A token devices enroll with; its secret is in the answer and nowhere else.
    public func createJoinToken(_ request: CreateJoinTokenRequest) async throws(ClientError) -> CreatedJoinToken {
        try await send(.POST, "/api/v1/join-tokens", body: request, as: CreatedJoinToken.self)
    }

    public func joinTokens() async throws(ClientError) -> [JoinToken] {
        try await send(.GET, "/api/v1/join-tokens", as: JoinTokenList.self).joinTokens
    }

    public func revokeJoinToken(_ id: String) async throws(ClientError) {
        _ = try await exchange(.DELETE, "/api/v1/join-tokens/\(escaped(id))", body: nil)
    }

    // MARK: Packages

    public func packages() async throws(ClientError) -> [PackageSummary] {
        try await send(.GET, "/api/v1/packages", as: PackageList.self).packages
    }

    public func package(_ name: String) async throws(ClientError) -> PackageDetail {
        try await send(.GET, "/api/v1/packages/\(escaped(name))", as: PackageDetail.self)
    }

    public func packageVersion(_ name: String, _ version: String) async throws(ClientError) -> PackageVersionInfo {
        try await send(.GET, "/api/v1/packages/\(escaped(name))/\(escaped(version))", as: PackageVersionInfo.self)
    }

    /// Uploads a package as a tar archive (see `tide module publish`).
    public func publish(archive: [UInt8]) async throws(ClientError) -> PackageVersionInfo {
        let answer = try await exchange(.POST, "/api/v1/packages", body: Data(archive), contentType: "application/x-tar")
        return try decode(PackageVersionInfo.self, answer, what: "POST /api/v1/packages")
    }

    public func setYanked(_ name: String, _ version: String, yanked: Bool) async throws(ClientError) -> PackageVersionInfo {
        try await send(yanked ? .POST : .DELETE, "/api/v1/packages/\(escaped(name))/\(escaped(version))/yank", as: PackageVersionInfo.self)
    }

    public func resolve(_ requirements: [String: String]) async throws(ClientError) -> ResolveResponse {
        try await send(.POST, "/api/v1/resolve", body: ResolveRequest(requirements: requirements), as: ResolveResponse.self)
    }

    // MARK: Deployments

    /// A dry run: where each step of `manifest` (YAML or JSON text) would run.
    /// `fileName` (the operator's file, without its directory) is what manifest errors name.
    public func plan(manifest: [UInt8], json: Bool, fileName: String? = nil) async throws(ClientError) -> PlanResponse {
        let path = "/api/v1/plan" + (fileName.map { "?file=" + queryEscaped($0) } ?? "")
        let answer = try await exchange(.POST, path, body: Data(manifest), contentType: json ? "application/json" : "application/yaml")
        return try decode(PlanResponse.self, answer, what: "POST /api/v1/plan")
    }

    // MARK: Events

    /// Events after the event id `since` (all when nil); waits up to `wait` seconds for a new one.
    public func events(since: Int64? = nil, tail: Int? = nil, device: DeviceID? = nil, limit: Int? = nil, wait: Int? = nil)
        async throws(ClientError) -> EventPage
    {
        var query: [String] = []
        if let tail { query.append("tail=\(tail)") }
        if let since { query.append("since=\(since)") }
        if let device { query.append("device=\(escaped(device.rawValue))") }
        if let limit { query.append("limit=\(limit)") }
        if let wait { query.append("wait=\(wait)") }
        let path = "/api/v1/events" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        return try await send(.GET, path, as: EventPage.self, timeout: .seconds(Int64(wait ?? 0)) + timeout)
    }
}
