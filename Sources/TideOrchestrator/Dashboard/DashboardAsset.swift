import Crypto
import Foundation

/// One file of the web dashboard as the server sends it: its bytes (embedded in the binary by
/// scripts/embed-dashboard, see DashboardAssets.swift), its media type and a strong ETag.
struct DashboardAsset: Sendable {
    let name: String
    let contentType: String
    let bytes: [UInt8]
    /// `"<first 16 bytes of the SHA-256, hex>"`: changes whenever the file does.
    let etag: String

    init(name: String, text: String) {
        self.name = name
        contentType = Self.contentType(of: name)
        bytes = Array(text.utf8)
        let digest = SHA256.hash(data: bytes)
        etag = "\"" + digest.prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
    }

    /// The media type by file extension; the dashboard holds only these kinds of files.
    static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        default: "application/octet-stream"
        }
    }

    /// Every file, by name, computed once.
    static let all: [String: DashboardAsset] = Dictionary(
        uniqueKeysWithValues: DashboardAssets.texts.map { name, text in (name, DashboardAsset(name: name, text: text)) })
}
