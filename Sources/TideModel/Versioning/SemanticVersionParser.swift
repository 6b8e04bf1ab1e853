/// Why a piece of version text is invalid; wrapped into the public error types with the full input.
struct VersionTextProblem: Error {
    let reason: String
}

/// Parsing of SemVer 2.0 text, shared by `SemanticVersion` and the partial versions of ranges.
enum SemanticVersionParser {
    static func parse(_ text: String) throws(SemanticVersionError) -> SemanticVersion {
        do {
            return try parseCore(Substring(text))
        } catch {
            throw SemanticVersionError(input: text, reason: error.reason)
        }
    }

    private static func parseCore(_ text: Substring) throws(VersionTextProblem) -> SemanticVersion {
        var rest = text
        var build: [String] = []
        if let plus = rest.firstIndex(of: "+") {
            build = try identifiers(rest[rest.index(after: plus)...], kind: "build metadata")
            rest = rest[..<plus]
        }
        var prerelease: [PrereleaseIdentifier] = []
        if let dash = rest.firstIndex(of: "-") {
            prerelease = try prereleaseIdentifiers(rest[rest.index(after: dash)...])
            rest = rest[..<dash]
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw VersionTextProblem(reason: "expected major.minor.patch")
        }
        return SemanticVersion(
            try number(parts[0]), try number(parts[1]), try number(parts[2]),
            prerelease: prerelease, buildMetadata: build)
    }

    /// A non-negative decimal without a leading zero.
    static func number(_ part: Substring) throws(VersionTextProblem) -> UInt64 {
        if part.isEmpty { throw VersionTextProblem(reason: "a number is missing") }
        guard part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw VersionTextProblem(reason: "\"\(part)\" is not a number")
        }
        if part.utf8.count > 1 && part.first == "0" {
            throw VersionTextProblem(reason: "\"\(part)\" has a leading zero")
        }
        guard let value = UInt64(part) else {
            throw VersionTextProblem(reason: "\"\(part)\" is too large")
        }
        return value
    }

    static func prereleaseIdentifiers(_ text: Substring) throws(VersionTextProblem) -> [PrereleaseIdentifier] {
        var result: [PrereleaseIdentifier] = []
        for part in try identifiers(text, kind: "prerelease") {
            guard part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                result.append(.alphanumeric(part))
                continue
            }
            if part.utf8.count > 1 && part.first == "0" {
                throw VersionTextProblem(reason: "prerelease identifier \"\(part)\" has a leading zero")
            }
            guard let value = UInt64(part) else {
                throw VersionTextProblem(reason: "prerelease identifier \"\(part)\" is too large")
            }
            result.append(.numeric(value))
        }
        return result
    }

    static func identifiers(_ text: Substring, kind: String) throws(VersionTextProblem) -> [String] {
        var result: [String] = []
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            if part.isEmpty {
                throw VersionTextProblem(reason: "\(kind) \"\(text)\" has an empty identifier")
            }
            let valid = part.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
                    || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D
            }
            if !valid {
                throw VersionTextProblem(reason: "\(kind) identifier \"\(part)\" may only contain [0-9A-Za-z-]")
            }
            result.append(String(part))
        }
        return result
    }
}
