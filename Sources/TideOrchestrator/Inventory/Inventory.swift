import Foundation
import Logging
import TideModel
import TideStore

/// The fleet as the orchestrator knows it: an in-memory view of the `device` table that every
/// change goes through. Each change is committed to the store, with the event that records it,
/// before the memory view changes, so what the API shows has always been written.
///
/// Store writes suspend the actor, so every change runs under `writes` (one at a time, in
/// arrival order): a change reads the memory view, writes, then applies, with no other change
/// in between. Reads never wait for it.
public actor Inventory {
    private let store: any FleetStore
    private var writes = WriteGate()
    private let events: EventBus
    private let policy: HealthPolicy
    private let logger: Logger
    /// `tide server --allow-unverified-devices`: unverified devices take work too (for messages).
    private let unverifiedTakeWork: Bool

    private var devices: [DeviceID: Device] = [:]
    private var endpoints: [DeviceEndpoint: DeviceID] = [:]
    private var liveness: [DeviceID: Liveness] = [:]
    private var nextProbe: [DeviceID: ContinuousClock.Instant] = [:]
    private var pendingHealth: [DeviceID: HealthUpdate] = [:]
    private var lastHeartbeat: [DeviceID: Date] = [:]
    /// Devices whose last heartbeat reached another replica (read from the shared store, late).
    private var heardElsewhere: Set<DeviceID> = []
    /// How late heartbeats other replicas received reach this one (the newest one's age at the
    /// last read): under load the shared store falls behind, and silence must not be read into it.
    private var sharedLag: TimeInterval = 0
    private var lastSharedRead = ContinuousClock.now - .seconds(3600)
    /// Bounds the deaths on weak evidence per window (see `DeathBrake`).
    private var deathBrake: DeathBrake
    private var heldDeaths = 0
    private var lastHeldWarning = ContinuousClock.now - .seconds(3600)
    /// Each device's revision and supervisor kind as the list shows them; dropped whenever
    /// anything but its health and last-seen changes, and given a new revision when next listed,
    /// so that readers can cache what they derive from the rest by revision.
    private var listing: [DeviceID: (revision: UInt64, supervisor: SupervisorKind)] = [:]
    private var nextRevision: UInt64 = 1
    /// Device ids ordered by name then id; dropped when a device is added, renamed or removed.
    private var order: [DeviceID]?
    /// The devices this replica watches, for the live replicas of `generation`; dropped when a
    /// device is added or removed.
    private var watchedList: (generation: UInt64, ids: [DeviceID])?
    /// wasmiot supervisors (their `/health` gives cpuUsage in percent), from their description.
    private var wasmiotDevices: Set<DeviceID> = []
    /// Devices an operator removed, whose return is refused until they are added or enroll again.
    private var removed: RemovedDevices
    private let metrics: ServerMetrics

    init(
        store: any FleetStore, events: EventBus, policy: HealthPolicy, logger: Logger, unverifiedTakeWork: Bool = false,
        metrics: ServerMetrics, deathBrake: DeathBrake = .default
    ) async throws(StoreError) {
        self.metrics = metrics
        self.deathBrake = deathBrake
        self.unverifiedTakeWork = unverifiedTakeWork
        self.store = store
        self.events = events
        self.policy = policy
        self.logger = logger
        removed = RemovedDevices(try await store.removedDevices())
        for device in try await store.allDevices() {
            devices[device.id] = device
            for endpoint in Self.endpoints(of: device) { endpoints[endpoint] = device.id }
            if device.supervisor.reportsCPUPercent { wasmiotDevices.insert(device.id) }
        }
    }

    // MARK: Reading

    /// Every device, ordered by name then id.
    public func list() -> [Device] {
        orderedIDs().compactMap { devices[$0] }
    }

    /// A device as the list shows it: with its revision and the kind of its supervisor.
    struct ListedDevice: Sendable {
        var device: Device
        var revision: UInt64
        var supervisor: SupervisorKind
    }

    /// The devices with `status` (all when nil), in list order.
    func listSnapshot(status: DeviceStatus?) -> [ListedDevice] {
        var snapshot: [ListedDevice] = []
        snapshot.reserveCapacity(devices.count)
        for id in orderedIDs() {
            guard let device = devices[id], status == nil || device.status == status else { continue }
            let listed = listing[id] ?? newListing(id)
            snapshot.append(ListedDevice(device: device, revision: listed.revision, supervisor: listed.supervisor))
        }
        return snapshot
    }

    private func newListing(_ id: DeviceID) -> (revision: UInt64, supervisor: SupervisorKind) {
        let listed = (nextRevision, wasmiotDevices.contains(id) ? SupervisorKind.wasmiot : .tide)
        nextRevision += 1
        listing[id] = listed
        return listed
    }

    private func orderedIDs() -> [DeviceID] {
        if let order { return order }
        let sorted = devices.values.sorted { ($0.name, $0.id) < ($1.name, $1.id) }.map(\.id)
        order = sorted
        return sorted
    }

    public func device(_ id: DeviceID) -> Device? { devices[id] }

    /// The names of those of `ids` the inventory knows.
    func names(of ids: [DeviceID]) -> [DeviceID: String] {
        var names: [DeviceID: String] = [:]
        for id in ids { if let device = devices[id] { names[id] = device.name } }
        return names
    }

    public var count: Int { devices.count }

    // MARK: Registration

    /// Adds the device that answered at `endpoint`, or updates the known device at that address
    /// (or with the id it reports). Returns the stored device and whether it is new.
    /// `trust` is what the route vouches for: an open route (`.unverified`) adds an unverified
    /// device and may refresh a trusted one only at an address it is already known at.
    public func register(
        endpoint: DeviceEndpoint, name: String?, addresses extraAddresses: [String], description raw: RawJSON,
        parsed: DeviceDescription, health: HealthReport, trust: DeviceTrust
    ) async throws(InventoryError) -> (device: Device, created: Bool) {
        await enterWrites()
        defer { writes.leave() }
        let now = Date()
        if trust == .operator {
            try await readmitLocked(removed.readmittedBy(reportedID: parsed.reportedID, endpoint: endpoint))
        } else if let gone = removed.match(reportedID: parsed.reportedID, endpoint: endpoint) {
            throw .removed(gone)
        }
        let health = parsed.supervisor.reportsCPUPercent ? health.cpuFromPercent() : health
        let existingID = parsed.reportedID.flatMap { devices[$0] != nil ? $0 : nil } ?? endpoints[endpoint]
        var addresses = [endpoint.host]
        for address in extraAddresses where !addresses.contains(address) { addresses.append(address) }

        if let existingID, var device = devices[existingID] {
            if device.trust == .revoked, trust != .operator { throw .revoked(device.id) }
            if !trust.isTrusted, device.trust.isTrusted, !Self.endpoints(of: device).contains(endpoint) {
                throw .trustedDeviceElsewhere(device.id, claimed: endpoint.description)
            }
            if !trust.isTrusted, device.trust.isTrusted {
                // Known here already: refresh what it says, keep where else it is reached.
                addresses = device.addresses
            }
            let previousStatus = device.status
            let previousTrust = device.trust
            device.trust = Self.stronger(device.trust, trust)
            device.name = name ?? parsed.reportedName ?? device.name
            device.addresses = addresses
            device.port = endpoint.port
            device.description = raw
            device.capabilities = parsed.capabilities
            device.health = health
            device.lastSeen = now
            if device.status != .alive {
                device.status = .alive
                device.statusSince = now
                device.statusReason = "registered again at \(endpoint)"
            }
            var newEvents = [
                NewFleetEvent(
                    time: now, kind: .deviceUpdated, device: device.id,
                    message: "device \(device.name) (\(device.id)) registered again at \(endpoint)",
                    details: ["registeredAgain": true])
            ]
            if previousStatus != .alive {
                newEvents.append(Self.statusEvent(device, from: previousStatus, evidence: "registration", at: now))
            }
            if previousTrust != device.trust {
                newEvents.append(Self.trustEvent(device, at: now))
            }
            try await commit(device, events: newEvents)
            if previousStatus != .alive { metrics.statusChanged(from: previousStatus, to: .alive, evidence: "registration") }
            liveness[device.id]?.consecutiveFailures = 0
            liveness[device.id]?.consecutiveRefusals = 0
            return (device, false)
        }

        let device = Device(
            id: parsed.reportedID ?? freshID(), name: name ?? parsed.reportedName ?? endpoint.description,
            addresses: addresses, port: endpoint.port, status: .alive, statusSince: now,
            statusReason: "registered at \(endpoint)", description: raw, capabilities: parsed.capabilities,
            labels: [:], health: health, firstSeen: now, lastSeen: now, trust: trust)
        let event = NewFleetEvent(
            time: now, kind: .deviceRegistered, device: device.id,
            message: "device \(device.name) (\(device.id)) registered at \(endpoint)"
                + (trust.isTrusted
                    ? ""
                    : unverifiedTakeWork
                        ? ", unverified (takes work: --allow-unverified-devices)"
                        : ", unverified: no work until an operator approves it"),
            details: ["memoryBytes": .number(JSONNumber(device.capabilities.memoryBytes)),
                      "interfaces": .number(JSONNumber(device.capabilities.interfaces.count)),
                      "trust": .string(trust.rawValue)])
        try await commit(device, events: [event])
        return (device, true)
    }

    /// An operator vouches for the device: it may take work and receive the fleet's token.
    public func approve(_ id: DeviceID) async throws(InventoryError) -> Device {
        await enterWrites()
        defer { writes.leave() }
        guard var device = devices[id] else { throw .unknownDevice(id) }
        guard device.trust != .operator else { return device }
        device.trust = .operator
        try await commit(device, events: [Self.trustEvent(device, at: Date())])
        return device
    }

    /// An operator stops trusting a device at once: it is dead to the fleet (so its steps move),
    /// is no longer probed, and its heartbeats are refused, until an operator approves it again.
    public func revoke(_ id: DeviceID) async throws(InventoryError) -> Device {
        await enterWrites()
        defer { writes.leave() }
        guard var device = devices[id] else { throw .unknownDevice(id) }
        guard device.trust != .revoked else { return device }
        let now = Date()
        let previous = device.status
        device.trust = .revoked
        device.status = .dead
        device.statusSince = now
        device.statusReason = "revoked by an operator"
        var events = [NewFleetEvent(
            time: now, kind: .deviceRevoked, device: id,
            message: "device \(device.name) (\(id)) revoked by an operator: no work, no probes, heartbeats refused",
            details: ["trust": .string(DeviceTrust.revoked.rawValue)])]
        if previous != .dead { events.append(Self.statusEvent(device, from: previous, evidence: "revoked by an operator", at: now)) }
        try await commit(device, events: events)
        if previous != .dead { metrics.statusChanged(from: previous, to: .dead, evidence: "revoked") }
        liveness[id] = Liveness()
        lastHeartbeat[id] = nil
        nextProbe[id] = nil
        pendingHealth[id] = nil
        return device
    }

    /// Forgets a device and refuses its return: its heartbeats and registrations (by its id, or
    /// by its address for a device that reports no id) are refused until an operator adds it
    /// again or it enrolls with a new join token; the refusal is stored, so it survives a restart.
    /// Its events stay in the log.
    public func remove(_ id: DeviceID, cause: String) async throws(InventoryError) -> Device {
        await enterWrites()
        defer { writes.leave() }
        guard let device = devices[id] else { throw .unknownDevice(id) }
        let now = Date()
        let removal = RemovedDevice(device, at: now)
        let event = NewFleetEvent(
            time: now, kind: .deviceRemoved, device: id,
            message: "device \(device.name) (\(id)) removed: \(cause); its heartbeats and registrations are refused until "
                + "an operator adds it again (tide device add) or it joins with a new join token",
            details: ["name": .string(device.name), "refused": true])
        let stored: FleetEvent?
        do {
            stored = try await store.delete(id, event: event, removal: removal)
        } catch {
            throw .store(error)
        }
        removed.insert(removal)
        forget(id)
        publish(stored.map { [$0] } ?? [])
        return device
    }

    /// Lets removed devices return (an operator adds one again, or it enrolls with a new join token).
    public func readmit(_ ids: [DeviceID]) async throws(InventoryError) {
        await enterWrites()
        defer { writes.leave() }
        try await readmitLocked(ids)
    }

    private func readmitLocked(_ ids: [DeviceID]) async throws(InventoryError) {
        let known = ids.filter { removed[$0] != nil }
        guard !known.isEmpty else { return }
        do {
            try await store.forgetRemoval(of: known)
        } catch {
            throw .store(error)
        }
        for id in known { removed.remove(id) }
    }

    /// Sets (value) and removes (nil) operator labels.
    public func updateLabels(_ id: DeviceID, _ changes: [String: String?]) async throws(InventoryError) -> Device {
        await enterWrites()
        defer { writes.leave() }
        guard var device = devices[id] else { throw .unknownDevice(id) }
        for key in changes.keys.sorted() {
            if let problem = Labels.validate(key: key) { throw .invalidLabel(problem) }
            if let value = changes[key] ?? nil, let problem = Labels.validate(value: value, key: key) {
                throw .invalidLabel(problem)
            }
        }
        for (key, value) in changes { device.labels[key] = value }
        guard device.labels != devices[id]?.labels else { return device }
        let details = JSONValue.object(changes.mapValues { $0.map(JSONValue.string) ?? .null })
        let event = NewFleetEvent(
            time: Date(), kind: .deviceLabelsChanged, device: id,
            message: "labels of \(device.name) (\(id)) changed: \(Labels.summary(changes))", details: details)
        try await commit(device, events: [event])
        return device
    }

    /// Keeps new work off a device (`cordoned`) or lets it take work again; steps already there
    /// stay (`tide device drain` moves them). Changing nothing writes no event.
    public func setCordoned(_ id: DeviceID, _ cordoned: Bool) async throws(InventoryError) -> Device {
        await enterWrites()
        defer { writes.leave() }
        guard var device = devices[id] else { throw .unknownDevice(id) }
        guard (device.cordonedAt != nil) != cordoned else { return device }
        let now = Date()
        device.cordonedAt = cordoned ? now : nil
        let event = NewFleetEvent(
            time: now, kind: cordoned ? .deviceCordoned : .deviceUncordoned, device: id,
            message: cordoned
                ? "device \(device.name) (\(id)) cordoned by an operator: no new work; its steps stay until it is drained"
                : "device \(device.name) (\(id)) uncordoned by an operator: it takes work again",
            details: ["cordoned": .bool(cordoned)])
        try await commit(device, events: [event])
        return device
    }

    // MARK: Health

    /// Applies one probe's outcome.
    public func recordProbe(_ id: DeviceID, _ outcome: Result<HealthReport, ProbeError>) async {
        await enterWrites()
        defer { writes.leave() }
        guard devices[id]?.trust != .revoked else { return }
        switch outcome {
        case .success(let health):
            keepHealth(id, wasmiotDevices.contains(id) ? health.cpuFromPercent() : health)
            await apply(.probeAnswered, to: id, detail: "health probe answered")
        case .failure(let error):
            let failure: ProbeFailure = switch error.kind {
            case .refused: .refused
            case .timeout: .timeout
            default: .other
            }
            await apply(.probeFailed(failure), to: id, detail: error.message)
        }
    }

    /// What became of a heartbeat `accept` was given.
    public enum HeartbeatOutcome: Sendable, Equatable {
        /// Recorded for a known device.
        case recorded
        /// Not recorded: the device is not known here (register it first).
        case unknown
        /// Not recorded: a known device shows a certificate for the first time and must be
        /// registered again, trusted by it.
        case certificateUpgrade
        case revoked
        case removed(RemovedDevice)
    }

    /// A heartbeat's checks and its record in one call (one hop to the actor per heartbeat, with no
    /// change between the checks and the record): a revoked device's is refused, a removed one's
    /// too, and a device that shows a certificate (`withCertificate`) while trusted otherwise must
    /// register again first.
    public func accept(_ heartbeat: Heartbeat, withCertificate: Bool) async -> HeartbeatOutcome {
        let trust = devices[heartbeat.id]?.trust
        if trust == .revoked { return .revoked }
        if trust == nil, let removal = removed[heartbeat.id] { return .removed(removal) }
        if withCertificate, trust != nil, trust != .certificate { return .certificateUpgrade }
        return await recordHeartbeat(heartbeat) ? .recorded : .unknown
    }

    /// A heartbeat from a Tide supervisor: proof of life like a successful probe. Returns false
    /// when the device is unknown.
    /// Heartbeats carry the fleet token, so an unverified device that sends one becomes trusted.
    public func recordHeartbeat(_ heartbeat: Heartbeat) async -> Bool {
        // The common case changes nothing stored (an alive, trusted device that keeps beating):
        // it does not queue behind the changes being written, so that a burst of those (devices
        // failing, a replica's devices moving) never delays the heartbeats that prove the rest alive.
        if let device = devices[heartbeat.id], device.status == .alive, device.trust != .unverified, device.trust != .revoked,
            liveness[heartbeat.id]?.heartbeatsMissing != true
        {
            noteHeartbeat(heartbeat)
            var state = liveness[heartbeat.id] ?? Liveness()
            _ = policy.assess(current: .alive, liveness: &state, evidence: .heartbeat)
            liveness[heartbeat.id] = state
            return true
        }
        await enterWrites()
        defer { writes.leave() }
        guard var device = devices[heartbeat.id] else { return false }
        guard device.trust != .revoked else { return true }
        if device.trust == .unverified {
            device.trust = .token
            do {
                try await commit(device, events: [Self.trustEvent(device, at: Date())])
            } catch {
                logger.error("cannot record that \(device.id) proved the fleet token: \(error)")
            }
        }
        noteHeartbeat(heartbeat)
        await apply(.heartbeat, to: heartbeat.id, detail: "heartbeat received")
        return true
    }

    /// Keeps a heartbeat's time and health for the next flush (no suspension).
    private func noteHeartbeat(_ heartbeat: Heartbeat) {
        let now = Date()
        lastHeartbeat[heartbeat.id] = now
        heardElsewhere.remove(heartbeat.id)
        if let sentAt = heartbeat.sentAt { metrics.heartbeat(sentAt: sentAt, receivedAt: now) }
        keepHealth(
            heartbeat.id, HealthReport(cpuUsage: heartbeat.health.cpuUsage, memoryUsage: heartbeat.health.memoryUsage, receivedAt: now),
            reported: heartbeat.deployments.map { states in
                Dictionary(states.map { ($0.id, Int64($0.generation)) }) { first, _ in first }
            },
            heartbeat: true)
    }

    /// An mDNS goodbye: suspicion, and a probe at once.
    public func recordAnnouncementWithdrawn(_ id: DeviceID) async {
        await enterWrites()
        defer { writes.leave() }
        guard devices[id]?.trust != .revoked else { return }
        await apply(.announcementWithdrawn, to: id, detail: "its mDNS announcement was withdrawn")
    }

    /// Devices known before the server started are first probed after `grace`: a supervisor that
    /// restarts with the server (as in `tide dev`) or kept running gets the time to send a
    /// heartbeat before a refused connection counts against it.
    public func deferFirstProbes(by grace: Duration) {
        let first = ContinuousClock.now + grace
        for id in devices.keys where nextProbe[id] == nil { nextProbe[id] = first }
    }

    /// The devices to probe now, each scheduled for its next probe. A device whose heartbeats
    /// arrive is not probed; one whose heartbeats stopped is probed at once (and is suspect when
    /// it cannot be probed).
    /// With several replicas, `watch` says which devices are this replica's to watch, and a sign
    /// of life another replica received (the shared heartbeat time) counts as a heartbeat here.
    /// At most `limit` are returned; the others stay due for the next call.
    public func dueProbes(
        schedule: ProbeSchedule, watch: WatchedDevices = .all, limit: Int = .max
    ) async -> [(id: DeviceID, endpoint: DeviceEndpoint)] {
        let now = ContinuousClock.now
        // Read outside the gate: heartbeats and other changes need not wait for the datastore.
        var shared: [DeviceID: Date]?
        if watch.sharesHeartbeats, now - lastSharedRead >= watch.sharedReadInterval {
            lastSharedRead = now
            shared = await sharedLastHeard(watch: watch, quietFor: (schedule.heartbeatTimeout - watch.sharedReadInterval).inSeconds)
        }
        await enterWrites()
        defer { writes.leave() }
        let wallNow = Date()
        let timeout = schedule.heartbeatTimeout.inSeconds
        // The age of the newest heartbeat another replica received, when one was read; at most a
        // heartbeat timeout more: a fleet whose heartbeats all stopped is no lag.
        let heardElsewhereNewest = shared?.filter { $0.value > (lastHeartbeat[$0.key] ?? .distantPast) }.values.max()
        if let newest = heardElsewhereNewest { sharedLag = min(max(0, wallNow.timeIntervalSince(newest)), timeout) }
        let lateTimeout = timeout + max(watch.sharedLag.inSeconds, sharedLag)
        if let shared { await adopt(shared, recent: wallNow.addingTimeInterval(-lateTimeout)) }
        // The silence a device's heartbeats may keep before it is probed.
        func allowedSilence(_ id: DeviceID) -> TimeInterval { heardElsewhere.contains(id) ? lateTimeout : timeout }
        let watched = watchedDevices(watch)
        // Cheapest test first: this runs every tick.
        func noteSilence(of id: DeviceID, heardAt last: Date) async {
            let silence = wallNow.timeIntervalSince(last)
            guard silence > timeout, silence > allowedSilence(id), liveness[id]?.heartbeatsMissing != true else { return }
            let probed = devices[id]?.endpoint != nil
            logger.debug("no heartbeat from \(id) for \(String(format: "%.1f", silence)) s\(probed ? ": probing it now" : "")")
            await apply(.heartbeatsMissing(probed: probed), to: id, detail: "no heartbeat for \(String(format: "%.1f", silence)) s")
            if probed { nextProbe[id] = nil }
        }
        if let watched {
            for id in watched { if let last = lastHeartbeat[id] { await noteSilence(of: id, heardAt: last) } }
        } else {
            for (id, last) in lastHeartbeat where watch.watches(id) { await noteSilence(of: id, heardAt: last) }
        }
        var due: [DueProbe] = []
        func consider(_ device: Device) {
            guard device.trust != .revoked, let endpoint = device.endpoint else { return }
            // Just registered (here or by another replica): that was its proof of life, the first
            // probe waits an interval from it.
            let sinceSeen = wallNow.timeIntervalSince(device.lastSeen)
            if nextProbe[device.id] == nil, sinceSeen >= 0, sinceSeen < schedule.interval.inSeconds {
                nextProbe[device.id] = now + schedule.interval - .milliseconds(Int64(sinceSeen * 1000))
                return
            }
            // Heartbeats that keep arriving are the proof of life: no probe while they do.
            if liveness[device.id]?.heartbeatsMissing != true, let last = lastHeartbeat[device.id],
                wallNow.timeIntervalSince(last) <= allowedSilence(device.id)
            {
                nextProbe[device.id] = now + schedule.interval
                return
            }
            due.append(DueProbe(
                id: device.id, endpoint: endpoint, suspect: device.status == .suspect,
                lastProof: max(device.lastSeen, lastHeartbeat[device.id] ?? .distantPast)))
        }
        // The next probe's time first: most devices are not due, and copying each one out of the
        // dictionary every tick cost more than the probes at 10,000 devices.
        if let watched {
            for id in watched {
                if let next = nextProbe[id], next > now { continue }
                if let device = devices[id] { consider(device) }
            }
        } else {
            for index in devices.indices {
                let id = devices.keys[index]
                if let next = nextProbe[id], next > now { continue }
                if watch.watches(id) { consider(devices.values[index]) }
            }
        }
        let chosen = DueProbe.first(limit, of: due)
        for probe in chosen {
            nextProbe[probe.id] = now + (probe.suspect ? schedule.quickRecheck : schedule.interval)
        }
        return chosen.map { ($0.id, $0.endpoint) }
    }

    /// The devices `watch` names, kept while its generation and the fleet stay the same; nil when
    /// `watch` has no generation (ask it about each device).
    private func watchedDevices(_ watch: WatchedDevices) -> [DeviceID]? {
        guard let generation = watch.generation?() else { return nil }
        if let list = watchedList, list.generation == generation { return list.ids }
        let ids = devices.keys.filter(watch.watches)
        watchedList = (generation, ids)
        return ids
    }

    /// When the watched devices that this replica has not heard from for `quietFor` seconds last
    /// sent a heartbeat, to any replica (the shared store). The others send theirs here: reading
    /// them too cost a row per device four times a second in every replica and in PostgreSQL.
    /// `quietFor` is a read interval short of the heartbeat timeout, so that a device whose
    /// heartbeats went to another replica is read before its silence here counts.
    private func sharedLastHeard(watch: WatchedDevices, quietFor: TimeInterval) async -> [DeviceID: Date]? {
        let quietSince = Date().addingTimeInterval(-quietFor)
        let watched = (watchedDevices(watch) ?? devices.keys.filter(watch.watches)).filter { id in
            guard let device = devices[id], device.trust != .revoked else { return false }
            return (lastHeartbeat[id] ?? .distantPast) < quietSince
        }
        guard !watched.isEmpty else { return [:] }
        do {
            return try await store.lastHeard(of: watched)
        } catch {
            logger.warning("cannot read when the watched devices last sent a heartbeat: \(error)")
            return nil
        }
    }

    /// Takes the newer heartbeat times of the watched devices: heartbeats that reached another
    /// replica keep a device from looking silent here.
    /// Only a heartbeat after `recent` is proof of life; an older one still dates the silence. So
    /// is one received before the device became suspect or dead: the replica that received it
    /// writes it up to a quarter second later, and a device that crashed just after sending it
    /// would otherwise come back alive on it.
    private func adopt(_ seen: [DeviceID: Date], recent: Date) async {
        for (id, time) in seen where time > (lastHeartbeat[id] ?? .distantPast) {
            lastHeartbeat[id] = time
            heardElsewhere.insert(id)
            let failedSince = devices[id].map { $0.status == .alive ? Date.distantPast : $0.statusSince } ?? .distantPast
            if time > recent, time > failedSince, liveness[id]?.heartbeatsMissing == true {
                await apply(.heartbeat, to: id, detail: "heartbeat received by another replica")
            }
        }
    }

    private func keepHealth(_ id: DeviceID, _ health: HealthReport, reported: [String: Int64]? = nil, heartbeat: Bool = false) {
        guard var device = devices[id] else { return }
        device.health = health
        device.lastSeen = health.receivedAt
        devices[id] = device
        let pending = pendingHealth[id]
        pendingHealth[id] = HealthUpdate(
            device: id, health: health, lastSeen: health.receivedAt, reported: reported ?? pending?.reported,
            heard: heartbeat ? health.receivedAt : pending?.heard)
    }

    /// Weighs one piece of evidence; a status change is committed with its event.
    private func apply(_ evidence: LivenessEvidence, to id: DeviceID, detail: String) async {
        guard var device = devices[id] else { return }
        var state = liveness[id] ?? Liveness()
        let previous = device.status
        var next = policy.assess(current: previous, liveness: &state, evidence: evidence)
        liveness[id] = state
        var held = false
        if next == .dead, previous != .dead, !deathBrake.allow(evidence, at: .now, fleet: devices.count) {
            next = .suspect
            held = true
            noteHeldDeath()
        }
        if next == .suspect, previous != .suspect { nextProbe[id] = nil }
        guard next != previous else { return }

        let now = Date()
        var reason = Self.reason(evidence, state: state, detail: detail)
        if held {
            reason += "; held at suspect: \(deathBrake.limit(fleet: devices.count)) devices were found dead in the last \(deathBrake.window), more likely trouble on this server's side or its network's"
        }
        device.status = next
        device.statusSince = now
        device.statusReason = reason
        var events = [Self.statusEvent(device, from: previous, evidence: reason, at: now)]
        let dampedUntil = previous == .dead && next == .alive ? policy.recordRevival(at: now, liveness: &state) : nil
        liveness[id] = state
        if let until = dampedUntil {
            device.dampedUntil = until
            events.append(NewFleetEvent(
                time: now, kind: .deviceDamped, device: id,
                message: "device \(device.name) (\(id)) keeps dying and returning (\(state.revivals.count) returns in \(Int(policy.flapWindow / 60)) min): new work avoids it until \(TideJSON.formatTimestamp(until))",
                details: ["until": .string(TideJSON.formatTimestamp(until)), "returns": .number(JSONNumber(state.revivals.count))]))
        }
        do {
            try await commit(device, events: events)
            pendingHealth[id] = nil
            metrics.statusChanged(from: previous, to: next, evidence: evidence.metricLabel)
        } catch {
            logger.error("could not record status change of \(id) to \(next.rawValue): \(error)")
        }
    }

    /// Warns once a window that devices are being held at suspect.
    private func noteHeldDeath() {
        let now = ContinuousClock.now
        heldDeaths += 1
        guard now - lastHeldWarning >= deathBrake.window else { return }
        logger.warning(
            "more than \(deathBrake.limit(fleet: devices.count)) devices were found dead within \(deathBrake.window) on timeouts or silence: \(heldDeaths) more held at suspect and checked again (is this server, its network or its datastore overloaded?)")
        lastHeldWarning = now
        heldDeaths = 0
    }

    private static func reason(_ evidence: LivenessEvidence, state: Liveness, detail: String) -> String {
        switch evidence {
        case .probeAnswered, .heartbeat, .announcementWithdrawn: return detail
        case .heartbeatsMissing: return detail
        case .probeFailed(let failure):
            if state.heartbeatsMissing { return "heartbeats stopped and a health probe failed: \(detail)" }
            if failure == .refused, state.consecutiveRefusals >= 2 {
                return "connection refused \(state.consecutiveRefusals) times in a row: \(detail)"
            }
            let count = state.consecutiveFailures
            return "\(count) failed health probe\(count == 1 ? "" : "s") in a row; last: \(detail)"
        }
    }

    /// How many devices have each status (the `tide_devices` gauge, read at scrape time).
    func statusCounts() -> [DeviceStatus: Int] {
        var counts: [DeviceStatus: Int] = [:]
        for device in devices.values { counts[device.status, default: 0] += 1 }
        return counts
    }

    /// When the last heartbeat of a device arrived, if it sends them.
    public func lastHeartbeat(of id: DeviceID) -> Date? { lastHeartbeat[id] }

    /// Writes the health reports gathered since the last flush, in one transaction.
    /// Reports that arrive while the write is under way wait for the next flush; a batch that
    /// could not be written is kept for it unless a newer report replaced it.
    public func flushHealth() async {
        guard !pendingHealth.isEmpty else { return }
        let batch = pendingHealth
        pendingHealth.removeAll(keepingCapacity: true)
        let started = ContinuousClock.now
        do {
            try await store.saveHealth(Array(batch.values))
            let took = ContinuousClock.now - started
            if took > .seconds(1) { logger.warning("writing \(batch.count) health reports took \(took): the datastore is slow") }
        } catch {
            logger.error("could not save \(batch.count) health reports: \(error)")
            pendingHealth.merge(batch) { newer, _ in newer }
        }
    }


    // MARK: Other replicas' changes

    /// Reads devices again from the shared store after another replica changed them (the event
    /// log names them): a device gone from the store is dropped, its removal remembered. Health
    /// and last-seen this replica holds newer than the store's are kept.
    func refresh(_ ids: Set<DeviceID>) async {
        guard !ids.isEmpty else { return }
        await enterWrites()
        defer { writes.leave() }
        let stored: [DeviceID: Device]
        do {
            stored = Dictionary(try await store.devices(Array(ids)).map { ($0.id, $0) }) { first, _ in first }
        } catch {
            logger.error("cannot read \(ids.count) device(s) after another replica changed them: \(error)")
            return
        }
        for id in ids {
            guard var device = stored[id] else {
                forget(id)
                continue
            }
            if let known = devices[id], known.lastSeen > device.lastSeen {
                device.health = known.health
                device.lastSeen = known.lastSeen
            }
            if let known = devices[id], known.status != device.status { liveness[id] = Liveness() }
            apply(device)
        }
        if ids.contains(where: { devices[$0] == nil }) {
            do {
                removed = RemovedDevices(try await store.removedDevices())
            } catch {
                logger.error("cannot read the removed devices after another replica removed one: \(error)")
            }
        }
    }

    // MARK: Plumbing

    private func forget(_ id: DeviceID) {
        if let device = devices[id] {
            for endpoint in Self.endpoints(of: device) where endpoints[endpoint] == id { endpoints[endpoint] = nil }
        }
        devices[id] = nil
        wasmiotDevices.remove(id)
        listing[id] = nil
        order = nil
        watchedList = nil
        liveness[id] = nil
        nextProbe[id] = nil
        pendingHealth[id] = nil
        lastHeartbeat[id] = nil
        heardElsewhere.remove(id)
    }

    private func enterWrites() async {
        if writes.enter() { return }
        await withCheckedContinuation { writes.wait($0) }
    }

    private func commit(_ device: Device, events newEvents: [NewFleetEvent]) async throws(InventoryError) {
        var stored: [FleetEvent] = []
        do {
            guard let first = newEvents.first else {
                try await store.save(device, event: nil)
                return apply(device)
            }
            if let event = try await store.save(device, event: first) { stored.append(event) }
            for event in newEvents.dropFirst() { stored.append(try await store.append(event)) }
        } catch {
            throw .store(error)
        }
        apply(device)
        publish(stored)
    }

    private func apply(_ device: Device) {
        listing[device.id] = nil
        if devices[device.id]?.name != device.name { order = nil }
        if devices[device.id] == nil { watchedList = nil }
        if let old = devices[device.id] {
            for endpoint in Self.endpoints(of: old) where endpoints[endpoint] == device.id { endpoints[endpoint] = nil }
        }
        if devices[device.id]?.description != device.description {
            if device.supervisor.reportsCPUPercent {
                wasmiotDevices.insert(device.id)
            } else {
                wasmiotDevices.remove(device.id)
            }
        }
        devices[device.id] = device
        for endpoint in Self.endpoints(of: device) { endpoints[endpoint] = device.id }
    }

    private func publish(_ stored: [FleetEvent]) {
        guard !stored.isEmpty else { return }
        for event in stored { logger.info("\(event.message)") }
        let events = self.events
        Task { await events.published(stored) }
    }

    /// A fleet certificate outranks operator approval, which outranks token proof, which
    /// outranks none.
    private static func stronger(_ lhs: DeviceTrust, _ rhs: DeviceTrust) -> DeviceTrust {
        let rank: (DeviceTrust) -> Int = { trust in
            switch trust {
            case .certificate: 3
            case .operator: 2
            case .token: 1
            case .unverified, .revoked: 0
            }
        }
        return rank(lhs) >= rank(rhs) ? lhs : rhs
    }

    private static func trustEvent(_ device: Device, at time: Date) -> NewFleetEvent {
        let how =
            switch device.trust {
            case .operator: "approved by an operator"
            case .certificate: "enrolled: holds a fleet certificate"
            default: "proved the fleet token"
            }
        return NewFleetEvent(
            time: time, kind: .deviceTrusted, device: device.id,
            message: "device \(device.name) (\(device.id)) is trusted: \(how)",
            details: ["trust": .string(device.trust.rawValue)])
    }

    private func freshID() -> DeviceID {
        var id = DeviceID.random()
        while devices[id] != nil { id = DeviceID.random() }
        return id
    }

    private static func endpoints(of device: Device) -> [DeviceEndpoint] {
        device.addresses.map { DeviceEndpoint(host: $0, port: device.port) }
    }

    private static func statusEvent(_ device: Device, from previous: DeviceStatus, evidence: String, at time: Date)
        -> NewFleetEvent
    {
        NewFleetEvent(
            time: time, kind: .deviceStatusChanged, device: device.id,
            message: "device \(device.name) (\(device.id)) is now \(device.status.rawValue) (was \(previous.rawValue)): \(evidence)",
            details: ["from": .string(previous.rawValue), "to": .string(device.status.rawValue), "evidence": .string(evidence)])
    }
}
