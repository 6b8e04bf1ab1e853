import Hummingbird
import NIOCore
import TideModel

/// Writes devices as JSON without `JSONEncoder`: a fleet of 10,000 is listed in milliseconds.
/// The part that changes rarely is written once and cached (`DeviceListCache`); health and
/// last-seen, which change with every probe, are appended at each request. The output decodes
/// to the same `Device` as the `Codable` form.
enum DeviceJSON {
    /// Every field but `health` and `lastSeen`, without the closing brace, in two pieces around
    /// the description (which the device already holds, so a cache need not copy it).
    struct StablePart: Sendable {
        var head: [UInt8]
        var tail: [UInt8]
    }

    /// `supervisor`, when the caller knows it, spares parsing the description again.
    static func stablePart(of device: Device, supervisor: SupervisorKind? = nil) -> StablePart {
        var writer = JSONWriter(capacity: 256)
        writer.raw("{")
        writer.key("id")
        writer.string(device.id.rawValue)
        writer.comma()
        writer.key("name")
        writer.string(device.name)
        writer.comma()
        writer.key("addresses")
        writer.stringArray(device.addresses)
        writer.comma()
        writer.key("port")
        writer.number(device.port)
        writer.comma()
        writer.key("status")
        writer.string(device.status.rawValue)
        writer.comma()
        writer.key("statusSince")
        writer.timestamp(device.statusSince)
        writer.comma()
        writer.key("statusReason")
        writer.string(device.statusReason)
        writer.comma()
        writer.key("trust")
        writer.string(device.trust.rawValue)
        writer.comma()
        writer.key("transport")
        writer.string(device.transport)
        writer.comma()
        writer.key("supervisor")
        writer.string((supervisor ?? device.supervisor).rawValue)
        writer.comma()
        writer.key("description")
        let head = writer.bytes
        writer = JSONWriter(capacity: 512)
        writer.comma()
        writer.key("capabilities")
        capabilities(device.capabilities, to: &writer)
        writer.comma()
        writer.key("labels")
        writer.stringMap(device.labels)
        writer.comma()
        writer.key("firstSeen")
        writer.timestamp(device.firstSeen)
        return StablePart(head: head, tail: writer.bytes)
    }

    static func append(_ device: Device, stable: StablePart, to writer: inout JSONWriter) {
        writer.raw(stable.head)
        writer.raw(device.description.bytes)
        writer.raw(stable.tail)
        appendChangingPart(of: device, to: &writer)
    }

    /// The rest of a device after its stable part: health, last seen, closing brace.
    static func appendChangingPart(of device: Device, to writer: inout JSONWriter) {
        if let health = device.health {
            writer.comma()
            writer.key("health")
            writer.raw("{")
            writer.key("cpuUsage")
            writer.number(health.cpuUsage)
            writer.comma()
            writer.key("memoryUsage")
            writer.number(health.memoryUsage)
            writer.comma()
            writer.key("receivedAt")
            writer.timestamp(health.receivedAt)
            writer.raw("}")
        }
        writer.comma()
        writer.key("lastSeen")
        writer.timestamp(device.lastSeen)
        if let dampedUntil = device.dampedUntil {
            writer.comma()
            writer.key("dampedUntil")
            writer.timestamp(dampedUntil)
        }
        if let cordonedAt = device.cordonedAt {
            writer.comma()
            writer.key("cordonedAt")
            writer.timestamp(cordonedAt)
        }
        writer.raw("}")
    }

    static func capabilities(_ capabilities: DeviceCapabilities, to writer: inout JSONWriter) {
        writer.raw("{")
        writer.key("interfaces")
        writer.stringArray(capabilities.interfaces)
        writer.comma()
        writer.key("memoryBytes")
        writer.number(capabilities.memoryBytes)
        if let cpuName = capabilities.cpuName {
            writer.comma()
            writer.key("cpuName")
            writer.string(cpuName)
        }
        if let hz = capabilities.cpuClockHz {
            writer.comma()
            writer.key("cpuClockHz")
            writer.number(hz)
        }
        if let arch = capabilities.arch {
            writer.comma()
            writer.key("arch")
            writer.string(arch)
        }
        writer.comma()
        writer.key("labels")
        writer.stringMap(capabilities.labels)
        writer.raw("}")
    }

    /// `{"devices": [...]}` written in chunks of about 64 KiB, so a large fleet is never one buffer.
    /// `parts[i]` is the stable part of `devices[i]`.
    static func streamedList(_ devices: [Inventory.ListedDevice], parts: [StablePart]) -> Response {
        let body = ResponseBody { writer in
            let chunkSize = 64 * 1024
            var json = JSONWriter(capacity: chunkSize + 4096)
            json.raw("{\"devices\":[")
            for (index, listed) in devices.enumerated() {
                if index > 0 { json.comma() }
                append(listed.device, stable: parts[index], to: &json)
                if json.bytes.count >= chunkSize {
                    try await writer.write(ByteBuffer(bytes: json.bytes))
                    json.bytes.removeAll(keepingCapacity: true)
                }
            }
            json.raw("]}")
            try await writer.write(ByteBuffer(bytes: json.bytes))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: body)
    }

    static func encode(_ device: Device) -> [UInt8] {
        var writer = JSONWriter()
        append(device, stable: stablePart(of: device), to: &writer)
        return writer.bytes
    }
}
