import TideModel

/// The bytes results of a run and the names they are saved under (`tide run --output`).
enum ResultFiles {
    /// The result's bytes values (a URL each), by step: the result step's, or each sink's.
    static func urls(in result: RunResult) -> [(step: String, url: String)] {
        guard let value = result.result else { return [] }
        if let step = result.resultStep {
            return url(value).map { [(step, $0)] } ?? []
        }
        guard let sinks = value.objectValue else { return [] }
        return sinks.keys.sorted().compactMap { step in sinks[step].flatMap(url).map { (step, $0) } }
    }

    private static func url(_ value: JSONValue) -> String? {
        guard let text = value.stringValue, text.hasPrefix("http://") || text.hasPrefix("https://") else { return nil }
        return text
    }

    /// A file extension for `bytes` by their first bytes: `.pgm`, `.ppm`, `.png`, `.jpg`, `.gif`,
    /// else `.bin`.
    static func fileExtension(of bytes: [UInt8]) -> String {
        let head = Array(bytes.prefix(8))
        func starts(_ prefix: [UInt8]) -> Bool { head.starts(with: prefix) }
        if starts(Array("P5".utf8)) || starts(Array("P2".utf8)) { return ".pgm" }
        if starts(Array("P6".utf8)) || starts(Array("P3".utf8)) { return ".ppm" }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return ".png" }
        if starts([0xFF, 0xD8, 0xFF]) { return ".jpg" }
        if starts(Array("GIF8".utf8)) { return ".gif" }
        return ".bin"
    }
}
