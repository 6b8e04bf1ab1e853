import TideModel

/// What a run waits on besides its devices' answers: the server's own knowledge of the fleet. A
/// request to a device the server knows is dead is given up at once rather than after its timeout.
struct DeviceWatch: Sendable {
    let inventory: Inventory
    let bus: EventBus
    /// Between checks when no event arrives (inventory changes are announced on the bus).
    static let recheck: Duration = .milliseconds(500)

    /// Returns why `device` is dead once the server knows it; nil when cancelled.
    func death(of device: DeviceID) async -> String? {
        while !Task.isCancelled {
            let cursor = await bus.latest
            if let why = await dead(device) { return why }
            await bus.wait(after: cursor, timeout: Self.recheck)
        }
        return nil
    }

    /// Why `device` is dead (or gone) by the server's knowledge now; nil while it is not.
    func dead(_ device: DeviceID) async -> String? {
        guard let found = await inventory.device(device) else { return "device \(device) was removed from the inventory" }
        return found.status == .dead ? "\(found.name) (\(device)) is dead: \(found.statusReason)" : nil
    }

    /// The outcome of `operation` on `device`, or why the device died first.
    enum Guarded<T: Sendable>: Sendable {
        case answered(Result<T, ProbeError>)
        case dead(String)
    }

    /// Runs `operation` until it ends or the server knows `device` is dead, whichever comes first.
    func guarding<T: Sendable>(
        _ device: DeviceID?, _ operation: @escaping @Sendable () async throws(ProbeError) -> T
    ) async -> Guarded<T> {
        guard let device else { return await Self.answer(operation) }
        return await withTaskGroup(of: Guarded<T>?.self) { group in
            group.addTask { await Self.answer(operation) }
            group.addTask { await death(of: device).map { .dead($0) } }
            var outcome: Guarded<T> = .dead("the run was cancelled")
            while let next = await group.next() {
                guard let next else { continue }
                outcome = next
                break
            }
            group.cancelAll()
            return outcome
        }
    }

    private static func answer<T: Sendable>(_ operation: @Sendable () async throws(ProbeError) -> T) async -> Guarded<T> {
        do throws(ProbeError) {
            return .answered(.success(try await operation()))
        } catch {
            return .answered(.failure(error))
        }
    }
}
