/// Names that come from requests or deployment nodes and may end up in a file system path or a
/// lookup: deployment ids, module, function, mount and file names, request ids.
public enum SafeName {
    public static let maxLength = 128

    /// 1-128 of `A-Z a-z 0-9 . _ -`, not `.` or `..`, not starting with `.`: a single path component
    /// that can never leave the directory it is joined to.
    public static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maxLength, name.utf8.first != UInt8(ascii: ".") else { return false }
        return name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default: false
            }
        }
    }

    /// `name` if valid, else a `SupervisorError` that names what was wrong (`what`: "module name", ...).
    public static func check(_ name: String, as what: String) throws(SupervisorError) -> String {
        guard isValid(name) else {
            throw .badRequest(
                "invalid \(what) \"\(name.prefix(64))\": use 1-\(maxLength) letters, digits, \".\", \"_\" or \"-\", not starting with \".\"")
        }
        return name
    }
}
