#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// DNS-SD TXT record handling (RFC 6763 section 6), pure.
public enum TXTRecord {
    /// The wasmiot key whose value is the IPv4 address to use for the device.
    public static let addressKey = "address"

    /// Parses TXT strings into a dictionary.
    /// - `key=value` -> `key: value` (the value may contain `=` and may be empty);
    /// - `key` without `=` -> `key: ""` (a boolean attribute that is present);
    /// - keys are case-insensitive and stored lowercased; the first occurrence of a key wins;
    /// - an entry with an empty key (`=value`) or an empty entry is ignored;
    /// - bytes that are not UTF-8 are decoded leniently (replacement characters).
    public static func parse(_ entries: [[UInt8]]) -> [String: String] {
        var result: [String: String] = [:]
        for entry in entries {
            guard let (key, value) = parseEntry(entry) else { continue }
            if result[key] == nil { result[key] = value }
        }
        return result
    }

    /// Parses TXT strings given as text.
    public static func parse(strings: [String]) -> [String: String] {
        parse(strings.map { Array($0.utf8) })
    }

    static func parseEntry(_ entry: [UInt8]) -> (key: String, value: String)? {
        let equals = UInt8(ascii: "=")
        let keyBytes: ArraySlice<UInt8>
        let valueBytes: ArraySlice<UInt8>
        if let index = entry.firstIndex(of: equals) {
            keyBytes = entry[..<index]
            valueBytes = entry[(index + 1)...]
        } else {
            keyBytes = entry[...]
            valueBytes = []
        }
        guard !keyBytes.isEmpty else { return nil }
        let key = String(decoding: keyBytes, as: UTF8.self).lowercased()
        let value = String(decoding: valueBytes, as: UTF8.self)
        return (key, value)
    }

    /// Encodes a dictionary as TXT strings, `key=value`, sorted by key so the record is
    /// deterministic. Keys must be non-empty and free of `=`; an entry must fit 255 bytes.
    public static func encode(_ txt: [String: String]) throws(DiscoveryError) -> [String] {
        var out: [String] = []
        for (key, value) in txt.sorted(by: { $0.key < $1.key }) {
            guard !key.isEmpty, !key.contains("=") else {
                throw .invalidService("TXT key \"\(key)\" is empty or contains '='")
            }
            let entry = "\(key)=\(value)"
            guard entry.utf8.count <= 255 else {
                throw .invalidService("TXT entry for key \"\(key)\" is longer than 255 bytes")
            }
            out.append(entry)
        }
        return out
    }

    /// The wasmiot `address` value when it is a valid dotted-quad IPv4 address.
    public static func wasmiotAddress(in txt: [String: String]) -> String? {
        guard let raw = txt[addressKey]?.trimmingWhitespace(), isIPv4(raw) else { return nil }
        return raw
    }

    /// True for a dotted-quad IPv4 address (`inet_pton` rules: four decimal parts, 0...255).
    public static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        return text.withCString { inet_pton(AF_INET, $0, &address) } == 1
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
