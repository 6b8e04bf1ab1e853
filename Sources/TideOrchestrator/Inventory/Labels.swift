/// Rules for operator labels: keys like Kubernetes label keys, values short printable text.
enum Labels {
    static func validate(key: String) -> String? {
        let allowed = key.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_./".unicodeScalars.contains(scalar))
        }
        guard !key.isEmpty, key.count <= 63, allowed else {
            return "invalid label key \"\(key)\": use 1-63 letters, digits, \"-\", \"_\", \".\" or \"/\""
        }
        return nil
    }

    static func validate(value: String, key: String) -> String? {
        guard value.count <= 253, !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return "invalid value for label \"\(key)\": at most 253 printable characters"
        }
        return nil
    }

    /// `zone=lobby, -old`: a change list for messages.
    static func summary(_ changes: [String: String?]) -> String {
        changes.keys.sorted().map { key in
            if let value = changes[key] ?? nil { "\(key)=\(value)" } else { "-\(key)" }
        }.joined(separator: ", ")
    }
}
