import Foundation

extension Heartbeat {
    /// The heartbeat in `bytes` read without `JSONDecoder` (the request a server receives most
    /// often, about 10 us each through the decoder): nil for anything but the plain JSON a Tide
    /// supervisor sends (each known field at most once, no other field, ASCII strings without
    /// escapes), which the caller then decodes with `TideJSON.decoder()`. What it returns is what
    /// the decoder would.
    public init?(plainJSON bytes: UnsafeRawBufferPointer) {
        var cursor = JSONCursor(bytes)
        var id: String?
        var name: String?
        var port: Int?
        var sentAt: Date?
        var health: Health?
        var deployments: [DeploymentState]?
        // The fields read so far, one bit each (`plainFields`): a field named twice goes to the decoder.
        var seen: UInt8 = 0
        let complete =
            cursor.take(UInt8(ascii: "{"))
            && cursor.members { cursor, key in
                guard let field = Self.plainFields.firstIndex(of: key), seen & (1 << field) == 0 else { return false }
                seen |= 1 << field
                switch key {
                case "id":
                    id = cursor.string()
                    return id != nil
                case "name":
                    if cursor.takeNull() { return true }
                    name = cursor.string()
                    return name != nil
                case "port":
                    if cursor.takeNull() { return true }
                    port = cursor.integer()
                    return port != nil
                case "sentAt":
                    if cursor.takeNull() { return true }
                    sentAt = cursor.string().flatMap(TideJSON.parseTimestamp)
                    return sentAt != nil
                case "health":
                    health = Self.health(&cursor)
                    return health != nil
                case "deployments":
                    if cursor.takeNull() { return true }
                    deployments = Self.deployments(&cursor)
                    return deployments != nil
                default:
                    return false
                }
            }
            && cursor.atEnd
        guard complete, let id, let health else { return nil }
        self.init(id: DeviceID(id), name: name, port: port, sentAt: sentAt, health: health, deployments: deployments)
    }

    private static let plainFields = ["id", "name", "port", "sentAt", "health", "deployments"]

    private static func health(_ cursor: inout JSONCursor) -> Health? {
        var cpu: Double?
        var memory: Double?
        guard cursor.take(UInt8(ascii: "{")),
            cursor.members({ cursor, key in
                switch key {
                case "cpuUsage" where cpu == nil:
                    cpu = cursor.double()
                    return cpu != nil
                case "memoryUsage" where memory == nil:
                    memory = cursor.double()
                    return memory != nil
                default:
                    return false
                }
            }),
            let cpu, let memory
        else { return nil }
        return Health(cpuUsage: cpu, memoryUsage: memory)
    }

    private static func deployments(_ cursor: inout JSONCursor) -> [DeploymentState]? {
        var states: [DeploymentState] = []
        let complete =
            cursor.take(UInt8(ascii: "["))
            && cursor.elements { cursor in
                var id: String?
                var generation: Int?
                guard cursor.take(UInt8(ascii: "{")),
                    cursor.members({ cursor, key in
                        switch key {
                        case "id" where id == nil:
                            id = cursor.string()
                            return id != nil
                        case "generation" where generation == nil:
                            generation = cursor.integer()
                            return generation != nil
                        default:
                            return false
                        }
                    }),
                    let id, let generation
                else { return false }
                states.append(DeploymentState(id: id, generation: generation))
                return true
            }
        return complete ? states : nil
    }
}
