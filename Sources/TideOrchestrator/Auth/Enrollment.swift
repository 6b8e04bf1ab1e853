import Crypto
import Foundation
import Logging
import NIOSSL
import TideModel
import TideSigning
import TideStore
import TideTLS
import X509

/// Device enrollment: join tokens (kept by the SHA-256 of their secret) and the certificates the
/// fleet CA issues for them. A device sends a CSR made with a key that never leaves it; the
/// certificate names the device id the CSR asked for, once no other certificate holds it.
final class Enrollment: Sendable {
    static let maxJoinTokens = 1000
    static let maxTTLSeconds = 30.0 * 86_400
    static let maxUses = 10_000
    static let defaultTTLSeconds = 3600.0
    static let tokenPrefix = "tj-"

    private let store: any FleetStore
    private let inventory: Inventory
    /// nil when the server does not run the fleet CA (operator PKI, plain HTTP).
    private let ca: FleetCA?
    private let caPEM: String?
    private let fingerprint: CertificateFingerprint?
    private let certificateValidity: TimeInterval
    private let logger: Logger
    private let roster: CertificateRoster
    private let bus: EventBus
    /// The publisher keys this server trusts, handed to enrolled devices.
    let publisherKeys: PublisherKeySet

    init(
        store: any FleetStore, bus: EventBus, inventory: Inventory, ca: FleetCA?, certificateValidity: TimeInterval,
        publisherKeys: [PublisherKey] = [], logger: Logger
    ) async throws(StoreError) {
        let handout = PublisherKey.handout(publisherKeys)
        self.publisherKeys = PublisherKeySet(keys: handout.lines, digest: handout.digest)
        self.roster = try await CertificateRoster(store: store)
        self.bus = bus
        self.store = store
        self.inventory = inventory
        self.ca = ca
        self.caPEM = try? ca?.pem().certificate
        self.fingerprint = try? ca?.fingerprint
        self.certificateValidity = certificateValidity
        self.logger = logger
    }

    private func requireCA() throws(EnrollmentError) -> (FleetCA, String, CertificateFingerprint) {
        guard let ca, let caPEM, let fingerprint else {
            throw EnrollmentError(
                .conflict, code: "enrollment_unavailable",
                "this server does not run the fleet CA (it serves --insecure-http, or the operator's certificate from --tls-cert): devices cannot enroll with it")
        }
        return (ca, caPEM, fingerprint)
    }

    func create(_ request: CreateJoinTokenRequest, by creator: APIToken?, now: Date = Date()) async throws(EnrollmentError) -> CreatedJoinToken {
        let (_, _, fingerprint) = try requireCA()
        let ttl = request.ttlSeconds ?? Self.defaultTTLSeconds
        guard ttl.isFinite, ttl > 0, ttl <= Self.maxTTLSeconds else {
            throw EnrollmentError.badRequest("ttlSeconds must be more than 0 and at most \(Int(Self.maxTTLSeconds)) (30 days)")
        }
        let uses = request.uses ?? 1
        guard (1...Self.maxUses).contains(uses) else {
            throw EnrollmentError.badRequest("uses must be 1-\(Self.maxUses), not \(uses)")
        }
        let labels = request.labels ?? [:]
        guard labels.count <= 64 else { throw EnrollmentError.badRequest("a join token carries at most 64 labels") }
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) {
            if let problem = Labels.validate(key: key) ?? Labels.validate(value: value, key: key) {
                throw EnrollmentError.badRequest(problem)
            }
        }
        let existing = try await list()
        guard existing.count < Self.maxJoinTokens else {
            throw EnrollmentError(
                .conflict, code: "too_many_join_tokens",
                "the server keeps at most \(Self.maxJoinTokens) join tokens; revoke unused ones (tide device token revoke ID)")
        }
        let id = OperatorTokens.randomHex(bytes: 6)
        let secret = OperatorTokens.randomHex(bytes: 32)
        let token = JoinToken(
            id: id, createdAt: now, expiresAt: now.addingTimeInterval(ttl), usesLeft: uses, labels: labels,
            createdBy: creator?.id)
        do {
            try await store.insert(try JoinTokenRecord(token, secretHash: OperatorTokens.hash(secret)))
        } catch {
            throw EnrollmentError.internalFailure(error.description)
        }
        logger.notice("join token \(id) created by \(creator?.id ?? "the server's token"): \(uses) use(s) until \(token.expiresAt)")
        await record(NewFleetEvent(
            time: now, kind: .joinTokenCreated, device: nil,
            message: "join token \(id) created by \(creator?.label ?? "the server's token"): \(uses) use(s) until \(token.expiresAt.formatted(.iso8601))",
            details: [
                "joinToken": .string(id), "uses": .number(JSONNumber(uses)), "expiresAt": .string(token.expiresAt.formatted(.iso8601)),
                "labels": .object(labels.mapValues(JSONValue.string)), "by": creator.map { .string($0.id) } ?? .null,
            ]))
        return CreatedJoinToken(joinToken: token, token: Self.tokenPrefix + id + "." + secret, caFingerprint: fingerprint.description)
    }

    func list() async throws(EnrollmentError) -> [JoinToken] {
        do {
            return try await store.joinTokens().map { record throws(StoreError) in try record.token() }
        } catch {
            throw EnrollmentError.internalFailure(error.description)
        }
    }

    func revoke(_ id: String) async throws(EnrollmentError) {
        let deleted: Bool
        do {
            deleted = try await store.deleteJoinToken(id)
        } catch {
            throw EnrollmentError.internalFailure(error.description)
        }
        guard deleted else { throw EnrollmentError.missing("no join token \(id)") }
        logger.notice("join token \(id) revoked")
        await record(NewFleetEvent(
            time: Date(), kind: .joinTokenRevoked, device: nil, message: "join token \(id) revoked", details: ["joinToken": .string(id)]))
    }

    func enroll(_ request: EnrollRequest, now: Date = Date()) async throws(EnrollmentError) -> EnrollResponse {
        let (ca, caPEM, _) = try requireCA()
        guard let (id, secret) = Self.parse(request.joinToken) else {
            throw Self.refused("that is not a join token (tj-<id>.<secret>, from tide device token create)")
        }
        guard DeviceID.isValid(request.deviceId) else {
            throw EnrollmentError.badRequest("deviceId must be 1-128 letters, digits, \"-\", \"_\" or \".\"")
        }
        guard request.csr.utf8.count <= FleetCA.maxCSRBytes else {
            throw EnrollmentError(.tooLarge, code: "too_large", "the CSR is larger than \(FleetCA.maxCSRBytes) bytes")
        }
        if let device = await inventory.device(DeviceID(request.deviceId)) {
            if device.trust == .revoked {
                throw EnrollmentError(.forbidden, code: "device_revoked", InventoryError.revoked(device.id).description)
            }
            // An enrolled device whose certificate lapsed may enroll again; the store refuses an id
            // that still holds a certificate in force.
            if device.trust.isTrusted, device.trust != .certificate {
                throw EnrollmentError(
                    .conflict, code: "device_id_taken",
                    "device \(device.id) is already in the fleet (trust \(device.trust.rawValue)); enroll under a new id, or remove it first (tide device rm \(device.id))")
            }
        }
        var pem = ""
        let outcome: (JoinTokenUse, DeviceCertificateRecord?)
        do {
            outcome = try await store.useJoinToken(id: id, secretHash: OperatorTokens.hash(secret), deviceID: request.deviceId, now: now) { token in
                let certificate = try ca.issueDevice(csrPEM: request.csr, deviceID: request.deviceId, validity: certificateValidity, now: now)
                pem = try certificate.serializeAsPEM().pemString
                return DeviceCertificateRecord(
                    serial: try PeerCertificate(certificate).serial, deviceId: request.deviceId, issuedAt: now,
                    notAfter: certificate.notValidAfter, joinToken: token.id, labels: token.labels)
            }
        } catch let error as TLSError {
            throw EnrollmentError(.badRequest, code: "bad_csr", error.message)
        } catch {
            throw EnrollmentError.internalFailure("\(error)")
        }
        switch outcome {
        case (.accepted(let token), let record?):
            roster.add(record)
            // A device an operator removed may return by joining again with a new token.
            do {
                try await inventory.readmit([DeviceID(request.deviceId)])
            } catch {
                logger.error("device \(request.deviceId) enrolled, but its earlier removal could not be lifted: \(error)")
            }
            logger.notice("device \(request.deviceId) enrolled with join token \(token.id) (certificate \(record.serial))")
            await self.record(NewFleetEvent(
                time: now, kind: .deviceEnrolled, device: DeviceID(request.deviceId),
                message: "device \(request.deviceId) enrolled with join token \(token.id); its certificate is valid until \(record.notAfter.formatted(.iso8601))",
                details: [
                    "joinToken": .string(token.id), "serial": .string(record.serial),
                    "notAfter": .string(record.notAfter.formatted(.iso8601)),
                ]))
            return EnrollResponse(
                deviceId: request.deviceId, certificate: pem, caCertificate: caPEM, notAfter: record.notAfter, labels: token.labels,
                publisherKeys: publisherKeys)
        case (.expired(let token), _):
            throw Self.refused("the join token \(token.id) expired at \(token.expiresAt.formatted(.iso8601)); ask for a new one")
        case (.exhausted(let token), _):
            throw Self.refused("the join token \(token.id) has been used up; ask for a new one")
        case (.deviceHasCertificate, _):
            throw EnrollmentError(
                .conflict, code: "device_id_taken",
                "device \(request.deviceId) already holds a certificate in force; a device cannot take another's id (revoke that device first: tide device revoke \(request.deviceId))")
        default:
            throw Self.refused("the join token is not valid for this server")
        }
    }

    /// A device's certificate, shown over TLS, speaks for `deviceID` only while the server has it
    /// on record, not revoked (`tide device revoke` revokes every certificate of the device).
    /// Returns the labels its join token gave it.
    @discardableResult
    func authenticate(_ peer: PeerCertificate, as deviceID: String?) throws(EnrollmentError) -> [String: String] {
        guard peer.role == .device else {
            throw EnrollmentError(.forbidden, code: "wrong_certificate", "this route takes a device certificate, not a \(peer.role.rawValue) one")
        }
        if let deviceID, peer.commonName != deviceID {
            throw EnrollmentError(
                .forbidden, code: "wrong_certificate",
                "the certificate is device \(peer.commonName)'s; it cannot speak for device \(deviceID)")
        }
        guard let record = roster.entry(serial: peer.serial), record.deviceID == peer.commonName else {
            throw EnrollmentError(.forbidden, code: "certificate_unknown", "this server has no record of certificate \(peer.serial)")
        }
        guard !record.revoked else {
            throw EnrollmentError(
                .forbidden, code: "certificate_revoked",
                "the certificate of device \(peer.commonName) was revoked; the device must enroll again with a new join token")
        }
        return record.labels
    }

    /// Reads the certificate roster again: another replica enrolled, renewed or revoked one.
    func reloadCertificates() async throws(StoreError) {
        try await roster.reload(from: store)
    }

    /// The fleet identity in a certificate a client showed (NIOSSL has verified it); nil when
    /// there is none or it names no fleet role and id.
    func identity(of certificate: NIOSSLCertificate?) -> PeerCertificate? {
        guard let certificate, let der = try? certificate.toDERBytes() else { return nil }
        return try? roster.identity(of: der) { () throws(TLSError) in try PeerCertificate(certificate) }
    }

    /// A new certificate for the device that shows its current one: renewal before expiry.
    func renew(csr: String, peer: PeerCertificate, now: Date = Date()) async throws(EnrollmentError) -> EnrollResponse {
        let (ca, caPEM, _) = try requireCA()
        try authenticate(peer, as: nil)
        guard csr.utf8.count <= FleetCA.maxCSRBytes else {
            throw EnrollmentError(.tooLarge, code: "too_large", "the CSR is larger than \(FleetCA.maxCSRBytes) bytes")
        }
        do {
            let certificate = try ca.issueDevice(csrPEM: csr, deviceID: peer.commonName, validity: certificateValidity, now: now)
            let previous = try await store.certificate(serial: peer.serial)
            let record = DeviceCertificateRecord(
                serial: try PeerCertificate(certificate).serial, deviceId: peer.commonName, issuedAt: now,
                notAfter: certificate.notValidAfter, joinToken: previous?.joinToken, labels: previous?.labelValues ?? [:])
            try await store.insert(record)
            roster.add(record)
            logger.notice("device \(peer.commonName) renewed its certificate (\(peer.serial) -> \(record.serial))")
            await self.record(NewFleetEvent(
                time: now, kind: .deviceRenewed, device: DeviceID(peer.commonName),
                message: "device \(peer.commonName) renewed its certificate; the new one is valid until \(record.notAfter.formatted(.iso8601))",
                details: [
                    "serial": .string(record.serial), "previous": .string(peer.serial),
                    "notAfter": .string(record.notAfter.formatted(.iso8601)),
                ]))
            return EnrollResponse(
                deviceId: peer.commonName, certificate: try certificate.serializeAsPEM().pemString, caCertificate: caPEM,
                notAfter: record.notAfter, labels: [:], publisherKeys: publisherKeys)
        } catch let error as TLSError {
            throw EnrollmentError(.badRequest, code: "bad_csr", error.message)
        } catch {
            throw EnrollmentError.internalFailure("\(error)")
        }
    }

    /// Every certificate of the device stops being accepted.
    func revokeCertificates(of deviceID: DeviceID) async throws(EnrollmentError) {
        do {
            let count = try await store.revokeCertificates(of: deviceID.rawValue, at: Date())
            roster.revokeAll(of: deviceID.rawValue)
            if count > 0 {
                logger.notice("revoked \(count) certificate(s) of device \(deviceID)")
                await record(NewFleetEvent(
                    time: Date(), kind: .deviceCertificatesRevoked, device: deviceID,
                    message: "\(count) certificate(s) of device \(deviceID) revoked: it must enroll again with a new join token",
                    details: ["certificates": .number(JSONNumber(count))]))
            }
        } catch {
            throw EnrollmentError.internalFailure(error.description)
        }
    }

    /// Writes an event to the log after the change it describes is stored; a failure to write it
    /// is logged, the change stands.
    private func record(_ event: NewFleetEvent) async {
        do {
            let stored = try await store.append(event)
            let bus = self.bus
            Task { await bus.published([stored]) }
        } catch {
            logger.error("cannot write the event \"\(event.message)\": \(error)")
        }
    }

    /// The fleet CA's certificate, for devices that are about to enroll (they check its fingerprint).
    func caCertificate() throws(EnrollmentError) -> String { try requireCA().1 }

    /// `tj-<12 hex>.<64 hex>` into its id and secret.
    static func parse(_ token: String) -> (id: String, secret: String)? {
        guard token.utf8.count == 3 + 12 + 1 + 64, token.hasPrefix(tokenPrefix) else { return nil }
        let parts = token.dropFirst(tokenPrefix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 12, parts[1].count == 64,
            parts.allSatisfy({ $0.allSatisfy { $0.isHexDigit && $0.isASCII } })
        else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    private static func refused(_ message: String) -> EnrollmentError {
        EnrollmentError(.unauthorized, code: "join_refused", message)
    }
}
