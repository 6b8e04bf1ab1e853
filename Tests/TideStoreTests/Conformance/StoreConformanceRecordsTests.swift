import Foundation
import Testing
import TideModel
import TideStore

/// The registry, deployments, operator tokens, the audit log, join tokens and certificates, the
/// same from every backend.
@Suite("StoreConformance: registry, deployments, tokens, enrollment")
struct StoreConformanceRecordsTests {
    static let epoch = StoreConformanceTests.epoch

    static func event(_ kind: FleetEventKind, _ message: String = "m") -> NewFleetEvent {
        StoreConformanceTests.event(kind, nil, message)
    }

    static func version(_ name: String, _ version: String, digest: String = "sha256:aa") -> PackageVersionRecord {
        PackageVersionRecord(
            name: name, version: version, description: "the \(name) package", manifest: "name: \(name)\nversion: \(version)\n",
            metadata: #"{"functions":[{"name":"fibo"}]}"#, moduleDigest: digest, moduleSize: 1234,
            dependencies: ["base": "^1.2", "other": "*"], hostCapabilities: ["camera.take", "wasi.fd_write"],
            publishedAt: epoch, signing: name == "signed" ? #"{"key":"k1"}"# : nil)
    }

    static func files(_ name: String, _ version: String, digest: String = "sha256:aa") -> [PackageFileRecord] {
        [
            PackageFileRecord(
                name: name, version: version, file: "module.wasm", path: "build/module.wasm", digest: digest, size: 1234,
                mediaType: "application/wasm", role: "module"),
            PackageFileRecord(
                name: name, version: version, file: "model.bin", path: "data/model.bin", digest: "sha256:bb", size: 9,
                mediaType: "application/octet-stream", role: "data"),
        ]
    }

    @Test("packages: publish with files, immutable versions, yank, blobs referenced", arguments: StoreBackend.all)
    func packages(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let first = try await store.publish(Self.version("fibo", "1.0.0"), files: Self.files("fibo", "1.0.0"), event: Self.event(.packagePublished))
            try await store.publish(Self.version("signed", "0.1.0", digest: "sha256:cc"), files: [], event: Self.event(.packagePublished))
            try await store.publish(Self.version("fibo", "1.1.0"), files: [], event: Self.event(.packagePublished))
            #expect(try await store.packageVersions(named: nil).map { "\($0.name)@\($0.version)" } == ["fibo@1.0.0", "fibo@1.1.0", "signed@0.1.0"])
            #expect(try await store.packageVersions(named: "fibo").first == Self.version("fibo", "1.0.0"))
            #expect(try await store.packageVersions(named: "signed") == [Self.version("signed", "0.1.0", digest: "sha256:cc")])
            #expect(try await store.packageVersions(named: "none").isEmpty)
            #expect(try await store.packageFiles(name: "fibo", version: "1.0.0") == Self.files("fibo", "1.0.0").sorted { $0.file < $1.file })
            #expect(try await store.packageFiles(name: "fibo", version: "1.1.0").isEmpty)

            // Publishing a version again is a conflict that writes nothing: no files, no event.
            let before = try await store.latestEventID()
            let conflict = await #expect(throws: StoreError.self) {
                try await store.publish(
                    Self.version("fibo", "1.0.0", digest: "sha256:dd"), files: Self.files("fibo", "1.0.0", digest: "sha256:dd"),
                    event: Self.event(.packagePublished, "again"))
            }
            guard case .conflict(let message) = conflict else {
                Issue.record("a second publish gave \(String(describing: conflict)), not a conflict")
                return
            }
            #expect(message.contains("already published"))
            #expect(try await store.latestEventID() == before)
            #expect(try await store.isBlobReferenced("sha256:dd") == false)
            #expect(try await store.isBlobReferenced("sha256:aa"))
            #expect(try await store.isBlobReferenced("sha256:bb"))
            #expect(try await store.isBlobReferenced("sha256:cc") == false)  // a module digest without a file row

            // A write that fails half-way (the second file row clashes with the first) leaves nothing:
            // no version, no file, no event.
            let clashing = Self.files("fibo", "2.0.0", digest: "sha256:ee").map { file in
                var file = file
                file.file = "same-name"
                return file
            }
            await #expect(throws: StoreError.self) {
                try await store.publish(Self.version("fibo", "2.0.0", digest: "sha256:ee"), files: clashing, event: Self.event(.packagePublished))
            }
            #expect(try await store.packageVersions(named: "fibo").map(\.version) == ["1.0.0", "1.1.0"])
            #expect(try await store.packageFiles(name: "fibo", version: "2.0.0").isEmpty)
            #expect(try await store.isBlobReferenced("sha256:ee") == false)
            #expect(try await store.latestEventID() == before)

            let yanked = try await store.setYanked(name: "fibo", version: "1.0.0", yanked: true, event: Self.event(.packageYanked))
            #expect(yanked.map(\.id) ?? 0 > first.id)
            #expect(try await store.packageVersions(named: "fibo").map(\.yanked) == [true, false])
            try await store.setYanked(name: "fibo", version: "1.0.0", yanked: false, event: Self.event(.packageUnyanked))
            #expect(try await store.packageVersions(named: "fibo").map(\.yanked) == [false, false])
            #expect(try await store.setYanked(name: "fibo", version: "9.9.9", yanked: true, event: Self.event(.packageYanked)) == nil)
            #expect(try await store.events(afterID: nil, since: nil, device: nil, limit: 100).map(\.kind)
                == [.packagePublished, .packagePublished, .packagePublished, .packageYanked, .packageUnyanked])
        }
    }

    /// Deployments keep their dates in their JSON record: whole seconds here.
    static func deployment(_ name: String, generation: Int64 = 1, status: DeploymentStatus = .active) -> Deployment {
        let epoch = Date(timeIntervalSince1970: 1_800_000_000)
        let manifest = DeploymentManifest(
            name: name, steps: [ManifestStep(name: "capture", package: "camera", function: "take"), ManifestStep(name: "sum", package: "fibo", function: "fibo")])
        var deployment = Deployment(
            name: name, generation: generation, status: status, reason: status == .active ? nil : "why", manifest: manifest,
            source: "name: \(name)\n", packages: [], pins: [], plan: nil,
            steps: [
                Deployment.Step(step: "capture", device: DeviceID("cam-1"), state: .running, endpoint: "http://127.0.0.1:5000/x"),
                Deployment.Step(step: "sum", device: nil, state: .failed, error: "no device"),
            ],
            createdAt: epoch, updatedAt: epoch.addingTimeInterval(Double(generation)))
        deployment.statusSince = epoch
        return deployment
    }

    @Test("deployments: saved and deleted with their events, in one transaction each", arguments: StoreBackend.all)
    func deployments(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let events = try await store.save(
                Self.deployment("lobby"),
                events: [Self.event(.deploymentApplied, "applied"), Self.event(.deploymentStatusChanged, "active")])
            #expect(events.map(\.kind) == [.deploymentApplied, .deploymentStatusChanged])
            #expect(events[0].id < events[1].id)
            try await store.save(Self.deployment("attic", status: .degraded), events: [])
            #expect(try await store.deployments() == [Self.deployment("attic", status: .degraded), Self.deployment("lobby")])
            try await store.save(Self.deployment("lobby", generation: 2, status: .degraded), events: [Self.event(.deploymentApplied, "updated")])
            #expect(try await store.deployments().last == Self.deployment("lobby", generation: 2, status: .degraded))

            #expect(try await store.deleteDeployment("lobby", event: Self.event(.deploymentRemoved)) != nil)
            #expect(try await store.deleteDeployment("lobby", event: Self.event(.deploymentRemoved)) == nil)
            #expect(try await store.deployments().map(\.name) == ["attic"])
            #expect(try await store.events(afterID: nil, since: nil, device: nil, limit: 100).map(\.message)
                == ["applied", "active", "updated", "m"])

            // Concurrent saves of one deployment: each save's events are all there, the row is one of the saves.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for generation in Int64(2)...9 {
                    group.addTask {
                        try await store.save(
                            Self.deployment("attic", generation: generation),
                            events: [Self.event(.deploymentApplied, "g\(generation) a"), Self.event(.deploymentStepChanged, "g\(generation) b")])
                    }
                }
                try await group.waitForAll()
            }
            let messages = try await store.events(afterID: nil, since: nil, device: nil, limit: 100).map(\.message)
            for generation in 2...9 {
                let first = messages.firstIndex(of: "g\(generation) a")
                #expect(first != nil && messages[(first ?? 0) + 1] == "g\(generation) b", "a save's events are written together")
            }
            #expect(try await store.deployments().first.map { (2...9).contains($0.generation) } == true)
        }
    }

    @Test("operator tokens: one bootstrap token, a failing insert writes no event, deletions recorded; the audit log pages",
          arguments: StoreBackend.all)
    func tokensAndAudit(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let bootstrap = APIToken(id: "tok-operator", name: "operator.token", role: .admin, createdAt: Self.epoch, createdBy: nil, bootstrap: true)
            try await store.replaceBootstrapToken(with: APITokenRecord(bootstrap, secretHash: String(repeating: "a", count: 64)))
            try await store.replaceBootstrapToken(with: APITokenRecord(bootstrap, secretHash: String(repeating: "b", count: 64)))
            #expect(try await store.apiTokens() == [APITokenRecord(bootstrap, secretHash: String(repeating: "b", count: 64))])

            let ci = APIToken(id: "tok-1", name: "ci", role: .deployer, createdAt: Self.epoch, createdBy: "tok-operator", bootstrap: false)
            let created = try await store.insert(APITokenRecord(ci, secretHash: String(repeating: "c", count: 64)), event: Self.event(.tokenCreated))
            #expect(created.kind == .tokenCreated)
            #expect(try await store.apiTokens().map { try $0.token() } == [ci, bootstrap])  // the same time: by id
            let clash = APIToken(id: "tok-2", name: "clash", role: .viewer, createdAt: Self.epoch, createdBy: nil, bootstrap: false)
            await #expect(throws: StoreError.self) {
                _ = try await store.insert(APITokenRecord(clash, secretHash: String(repeating: "c", count: 64)), event: Self.event(.tokenCreated))
            }
            #expect(try await store.events(afterID: nil, since: nil, device: nil, limit: 100).count == 1)
            #expect(try await store.deleteToken("tok-1", event: Self.event(.tokenRevoked)) != nil)
            #expect(try await store.deleteToken("tok-1", event: Self.event(.tokenRevoked)) == nil)
            #expect(try await store.events(afterID: nil, since: nil, device: nil, limit: 100).map(\.kind) == [.tokenCreated, .tokenRevoked])

            var audit: [AuditEntry] = []
            for status in [201, 403, 204] {
                audit.append(try await store.appendAudit(AuditEntry(
                    id: 0, time: Self.epoch, token: "tok-1", name: "ci", role: .deployer, method: "POST", path: "/api/v1/deployments",
                    status: status)))
            }
            let ids = audit.map(\.id)
            #expect(ids == ids.sorted() && Set(ids).count == 3)
            #expect(try await store.auditEntries(afterID: nil, limit: 1000) == audit)
            #expect(try await store.auditEntries(afterID: nil, limit: 2).map(\.status) == [403, 204])
            #expect(try await store.auditEntries(afterID: ids[0], limit: 1).map(\.status) == [403])
            #expect(try await store.auditEntries(afterID: ids[2], limit: 1000).isEmpty)
        }
    }

    static func certificate(_ serial: String, device: String, notAfter: Date, token: String? = "jt-1") -> DeviceCertificateRecord {
        DeviceCertificateRecord(
            serial: serial, deviceId: device, issuedAt: epoch, notAfter: notAfter, joinToken: token, labels: ["zone": "lobby"])
    }

    /// Presents a join token for `device`; an accepted use stores a day-long certificate.
    static func use(_ store: any FleetStore, _ id: String, _ hash: String, device: String, now: Date) async throws -> JoinTokenUse {
        let (outcome, _) = try await store.useJoinToken(id: id, secretHash: hash, deviceID: device, now: now) { _ in
            certificate("serial-\(device)", device: device, notAfter: now.addingTimeInterval(86_400))
        }
        return outcome
    }

    @Test("join tokens: uses are counted, refusals take none, concurrent uses never exceed the limit", arguments: StoreBackend.all)
    func joinTokens(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let now = Self.epoch.addingTimeInterval(10)
            let token = JoinToken(
                id: "jt-1", createdAt: Self.epoch, expiresAt: now.addingTimeInterval(3600), usesLeft: 3, labels: ["zone": "lobby"], createdBy: "tok-operator")
            let expired = JoinToken(id: "jt-old", createdAt: Self.epoch, expiresAt: now, usesLeft: 5, labels: [:], createdBy: nil)
            try await store.insert(try JoinTokenRecord(token, secretHash: "hash-1"))
            try await store.insert(try JoinTokenRecord(expired, secretHash: "hash-old"))
            #expect(try await store.joinTokens().map { try $0.token() } == [token, expired].sorted { $0.id < $1.id })

            @Sendable func use(_ id: String, _ hash: String, device: String) async throws -> JoinTokenUse {
                try await Self.use(store, id, hash, device: device, now: now)
            }
            #expect(try await use("jt-1", "wrong", device: "d0") == .unknown)
            #expect(try await use("jt-none", "hash-1", device: "d0") == .unknown)
            #expect(try await use("jt-old", "hash-old", device: "d0") == .expired(expired))
            struct IssueFailed: Error {}
            await #expect(throws: IssueFailed.self) {
                _ = try await store.useJoinToken(id: "jt-1", secretHash: "hash-1", deviceID: "d0", now: now) { _ in throw IssueFailed() }
            }
            #expect(try await store.joinTokens().first { $0.id == "jt-1" }?.usesLeft == 3, "refusals and failures take no use")

            guard case .accepted(let taken) = try await use("jt-1", "hash-1", device: "d0") else {
                Issue.record("the first use was refused")
                return
            }
            #expect(taken == token)
            #expect(try await use("jt-1", "hash-1", device: "d0") == .deviceHasCertificate(JoinToken(
                id: "jt-1", createdAt: token.createdAt, expiresAt: token.expiresAt, usesLeft: 2, labels: token.labels, createdBy: token.createdBy)))

            // Ten devices race for the two uses left: exactly two win.
            let outcomes = try await withThrowingTaskGroup(of: JoinTokenUse.self) { group in
                for index in 1...10 {
                    group.addTask { try await use("jt-1", "hash-1", device: "racer-\(index)") }
                }
                var outcomes: [JoinTokenUse] = []
                for try await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            let accepted = outcomes.filter { if case .accepted = $0 { true } else { false } }.count
            let exhausted = outcomes.filter { if case .exhausted = $0 { true } else { false } }.count
            #expect(accepted == 2 && exhausted == 8)
            #expect(try await store.joinTokens().first { $0.id == "jt-1" }?.usesLeft == 0)
            #expect(try await store.certificates(notExpiredAt: now).count == 3)

            #expect(try await store.deleteJoinToken("jt-1"))
            #expect(try await store.deleteJoinToken("jt-1") == false)
            #expect(try await store.joinTokens().map(\.id) == ["jt-old"])
        }
    }

    @Test("device certificates: active, not expired, by serial, revoked", arguments: StoreBackend.all)
    func certificates(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let now = Self.epoch.addingTimeInterval(100)
            let current = Self.certificate("01ab", device: "d1", notAfter: now.addingTimeInterval(3600))
            let old = Self.certificate("00ff", device: "d1", notAfter: now.addingTimeInterval(-1), token: nil)
            let other = Self.certificate("02cd", device: "d2", notAfter: now.addingTimeInterval(60))
            for certificate in [current, old, other] { try await store.insert(certificate) }
            #expect(try await store.certificate(serial: "01ab") == current)
            #expect(try await store.certificate(serial: "01ab")?.labelValues == ["zone": "lobby"])
            #expect(try await store.certificate(serial: "nope") == nil)
            #expect(try await store.activeCertificates(of: "d1", at: now) == [current])
            #expect(try await store.certificates(notExpiredAt: now).map(\.serial).sorted() == ["01ab", "02cd"])

            #expect(try await store.revokeCertificates(of: "d1", at: now) == 2)
            #expect(try await store.revokeCertificates(of: "d1", at: now) == 0)
            #expect(try await store.activeCertificates(of: "d1", at: now).isEmpty)
            #expect(try await store.certificate(serial: "01ab")?.revokedAt == now)
            #expect(try await store.certificates(notExpiredAt: now).map(\.serial).sorted() == ["01ab", "02cd"])
            #expect(try await store.activeCertificates(of: "d2", at: now) == [other])
        }
    }
}
