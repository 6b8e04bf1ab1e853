import TideYAML
import Yams

extension YAMLReader {
    mutating func files(_ node: Node) -> [PackageFile]? {
        if node.isNull { return [] }
        guard let named = entries(of: node, at: "files", expecting: "a mapping of file names to files") else {
            return nil
        }
        var result: [PackageFile] = []
        for entry in named {
            let path = "files.\(entry.key)"
            guard ManifestRules.isFileName(entry.key) else {
                report(entry.keyLine, "files", "\"\(entry.key)\" is not a valid file name; \(ManifestRules.fileNameRule)")
                continue
            }
            guard let all = entries(of: entry.value, at: path, expecting: "a mapping of path and media-type") else {
                continue
            }
            let fields = allowedEntries(all, allowed: ManifestRules.fileKeys, at: path, suggesting: true)
            let filePath = required("path", in: fields, at: path, line: entry.keyLine)
                .flatMap { relativePath($0, at: "\(path).path") }
            var mediaType: String? = PackageFile.defaultMediaType
            if let typeNode = fields.first(where: { $0.key == "media-type" })?.value {
                mediaType = text(typeNode, at: "\(path).media-type")
                if let text = mediaType, !ManifestRules.isMediaType(text) {
                    report(typeNode, "\(path).media-type",
                           "\"\(text)\" is not a media type such as \(PackageFile.defaultMediaType)")
                    mediaType = nil
                }
            }
            if let filePath, let mediaType {
                result.append(PackageFile(name: entry.key, path: filePath, mediaType: mediaType))
            }
        }
        return result
    }
}
