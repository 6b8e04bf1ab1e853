extension DeploymentNode {
    /// A step (module and function) of this node.
    public struct Step: Sendable, Hashable, CustomStringConvertible {
        public var module: String
        public var function: String
        public var description: String { "\(module)/\(function)" }
    }

    /// Refuses a node in which following the steps' `to` on this device comes back to where it
    /// started: a step whose `to` is its own endpoint, or a loop of steps of this node. Each call
    /// would start the next forever. This device is every base URL the node's endpoints name; a
    /// step of it is served at `/<deploymentId>/modules/<module>/<function>`.
    public func checkChains() throws(DeploymentNodeError) {
        var bases: Set<String> = []
        for functions in (endpoints ?? [:]).values {
            for endpoint in functions.values {
                if let base = Self.split(endpoint.address)?.base { bases.insert(base) }
            }
        }
        var next: [Step: Step] = [:]
        for (module, functions) in instructions?.modules ?? [:] {
            for (function, instruction) in functions {
                guard let to = instruction.to, let target = Self.split(to.address), bases.contains(target.base) else { continue }
                let parts = target.path.split(separator: "/", omittingEmptySubsequences: false)
                guard parts.count == 5, parts[0].isEmpty, parts[1] == deploymentId, parts[2] == "modules" else { continue }
                next[Step(module: module, function: function)] = Step(module: String(parts[3]), function: String(parts[4]))
            }
        }
        for start in next.keys.sorted(by: { $0.description < $1.description }) {
            var path = [start]
            var current = start
            while let following = next[current], path.count <= next.count {
                if following == start {
                    if path.count == 1 {
                        throw .invalid(
                            "step \(start) chains to its own endpoint (instructions.modules.\(start.module).\(start.function).to), so every call would call itself again; point \"to\" at the next step or set it to null")
                    }
                    let loop = (path + [start]).map(\.description).joined(separator: " -> ")
                    throw .invalid(
                        "the steps \(loop) chain in a loop on this device, so every call would go round forever; point the last \"to\" at the next step or set it to null")
                }
                path.append(following)
                current = following
            }
        }
    }

    /// `http://Host:80/a/b?x` -> (`http://host:80`, `/a/b`): scheme and host lowercased, query and
    /// trailing slashes dropped, so that two spellings of one address compare equal.
    static func split(_ address: String) -> (base: String, path: String)? {
        guard let schemeEnd = address.range(of: "://") else { return nil }
        let rest = address[schemeEnd.upperBound...]
        let hostEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let scheme = address[..<schemeEnd.lowerBound].lowercased()
        var host = rest[..<hostEnd].lowercased()
        if scheme == "http", host.hasSuffix(":80") { host.removeLast(3) }
        if scheme == "https", host.hasSuffix(":443") { host.removeLast(4) }
        var path = String(rest[hostEnd...].prefix { $0 != "?" && $0 != "#" })
        while path.hasSuffix("/") { path.removeLast() }
        return (scheme + "://" + host, path)
    }
}
