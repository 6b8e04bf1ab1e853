import Foundation

/// `POST /api/v1/join-tokens`: a token a device enrolls with.
public struct CreateJoinTokenRequest: Sendable, Codable, Equatable {
    /// How long the token is valid; default one hour, at most 30 days.
    public var ttlSeconds: Double?
    /// How many devices may enroll with it; default 1, at most 10,000.
    public var uses: Int?
    /// Labels each device enrolled with it gets.
    public var labels: [String: String]?

    public init(ttlSeconds: Double? = nil, uses: Int? = nil, labels: [String: String]? = nil) {
        self.ttlSeconds = ttlSeconds
        self.uses = uses
        self.labels = labels
    }
}

/// A join token as the API shows it: never its secret, which only its creation answers.
public struct JoinToken: Sendable, Codable, Equatable {
    public var id: String
    public var createdAt: Date
    public var expiresAt: Date
    public var usesLeft: Int
    public var labels: [String: String]
    /// The operator token that created it.
    public var createdBy: String?

    public init(id: String, createdAt: Date, expiresAt: Date, usesLeft: Int, labels: [String: String], createdBy: String?) {
        self.id = id
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.usesLeft = usesLeft
        self.labels = labels
        self.createdBy = createdBy
    }
}

/// The answer to a join token's creation: the only time its secret is shown.
public struct CreatedJoinToken: Sendable, Codable, Equatable {
    public var joinToken: JoinToken
    /// `tj-<id>.<secret>`, for `tide supervisor --join-token`.
    public var token: String
    /// The fleet CA's fingerprint, for `tide supervisor --ca-fingerprint`.
    public var caFingerprint: String

    public init(joinToken: JoinToken, token: String, caFingerprint: String) {
        self.joinToken = joinToken
        self.token = token
        self.caFingerprint = caFingerprint
    }
}

public struct JoinTokenList: Sendable, Codable, Equatable {
    public var joinTokens: [JoinToken]
    public init(joinTokens: [JoinToken]) { self.joinTokens = joinTokens }
}

/// `POST /enroll`: a device asks for its certificate with a join token and a CSR made on the device.
public struct EnrollRequest: Sendable, Codable, Equatable {
    public var joinToken: String
    public var deviceId: String
    /// PEM certificate signing request naming `deviceId` as its common name.
    public var csr: String

    public init(joinToken: String, deviceId: String, csr: String) {
        self.joinToken = joinToken
        self.deviceId = deviceId
        self.csr = csr
    }
}

public struct EnrollResponse: Sendable, Codable, Equatable {
    public var deviceId: String
    /// PEM: the device's certificate, signed by the fleet CA.
    public var certificate: String
    /// PEM: the fleet CA's certificate.
    public var caCertificate: String
    public var notAfter: Date
    public var labels: [String: String]
    /// The publisher keys the server trusts, each as the text of a `.pub` file: the device
    /// checks package signatures against them (besides its own `--trusted-key`s).
    public var publisherKeys: PublisherKeySet?

    public init(
        deviceId: String, certificate: String, caCertificate: String, notAfter: Date, labels: [String: String],
        publisherKeys: PublisherKeySet? = nil
    ) {
        self.deviceId = deviceId
        self.certificate = certificate
        self.caCertificate = caCertificate
        self.notAfter = notAfter
        self.labels = labels
        self.publisherKeys = publisherKeys
    }
}

/// The publisher keys a server hands its enrolled devices (`GET /enroll/publisher-keys`, and in
/// enrollment answers); `digest` names the set, and heartbeat answers carry it so that a device
/// notices a change.
public struct PublisherKeySet: Sendable, Codable, Equatable {
    public static let maxKeys = 256
    /// `tide-ed25519-public <base64> <name>` lines, sorted.
    public var keys: [String]
    /// `sha256:<hex>` of the sorted lines joined by newlines.
    public var digest: String

    public init(keys: [String], digest: String) {
        self.keys = keys
        self.digest = digest
    }
}

/// `POST /enroll/renew` (mutual TLS with the device's current certificate): a new CSR for the same id.
public struct RenewRequest: Sendable, Codable, Equatable {
    public var csr: String
    public init(csr: String) { self.csr = csr }
}
