import Hummingbird

extension Request {
    /// The name manifest errors give the operator's file: `?file=` when the client sent it (the
    /// CLI sends the file's name), else `manifest.yaml` or `manifest.json` by content type.
    func manifestFileName() throws(APIError) -> String {
        guard let name = query("file") else {
            return headers[.contentType]?.contains("json") == true ? "manifest.json" : "manifest.yaml"
        }
        let plain = name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
        guard plain, name.count <= 255, !name.contains("/"), name != ".", name != ".." else {
            throw APIError.badRequest("file must be a file name: no slashes or control characters, at most 255 characters")
        }
        return name
    }
}
