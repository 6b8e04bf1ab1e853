/// The lexical rules of package.yaml names and limits.
enum ManifestRules {
    static let maximumNameLength = 64
    static let maximumDescriptionLength = 500

    static let topLevelKeys = ["name", "version", "description", "module", "functions", "files", "dependencies"]
    static let functionKeys = ["method", "description", "parameters", "result", "result-labels"]
    static let parameterKeys = ["name", "type"]
    static let fileKeys = ["path", "media-type"]

    static let packageNameRule = "use 1-64 lowercase letters, digits and \"-\", starting with a letter"
    static let parameterNameRule = "use letters, digits and \"_\", not starting with a digit"
    static let fileNameRule = "use letters, digits, \".\", \"_\" and \"-\", starting with a letter or digit"

    static func isPackageName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...maximumNameLength).contains(bytes.count), let first = bytes.first, isLowercase(first) else {
            return false
        }
        return bytes.allSatisfy { isLowercase($0) || isDigit($0) || $0 == UInt8(ascii: "-") }
    }

    static func isParameterName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, isLetter(first) || first == UInt8(ascii: "_") else { return false }
        return bytes.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    static func isFileName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, isLetter(first) || isDigit(first) else { return false }
        return bytes.allSatisfy {
            isLetter($0) || isDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }

    /// `type/subtype` with optional parameters, each token free of spaces and further slashes.
    static func isMediaType(_ text: String) -> Bool {
        let essence = text.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let parts = essence.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") }
        }
    }

    private static func isLowercase(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) }
    private static func isLetter(_ byte: UInt8) -> Bool {
        isLowercase(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}
