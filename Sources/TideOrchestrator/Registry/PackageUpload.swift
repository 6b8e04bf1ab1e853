import TideHTTP
import TidePackageFormat

/// Turns an upload into a package's files: a tar archive (`application/x-tar`, or any body
/// that is one), or `multipart/form-data` whose parts are the files (the part's filename is the
/// path inside the package) or one part holding a tar archive.
enum PackageUpload {
    static let limits = PackageArchiveLimits()

    static func files(from body: [UInt8], contentType: String?) throws -> [String: [UInt8]] {
        guard !body.isEmpty else { throw UploadError.badRequest("the upload is empty: send the package as a tar archive") }
        if let contentType, contentType.lowercased().hasPrefix("multipart/form-data") {
            let parts: [MultipartPart]
            do {
                parts = try MultipartParser.parse(body, contentType: contentType)
            } catch {
                throw UploadError.badRequest(error.description)
            }
            if parts.count == 1, let only = parts.first, only.filename?.hasSuffix(".tar") ?? (only.name == "archive") {
                return try untar(only.body)
            }
            var files: [String: [UInt8]] = [:]
            for part in parts {
                guard let path = part.filename, !path.isEmpty else {
                    throw UploadError.badRequest("multipart part \"\(part.name)\" has no filename; each part must be a file of the package")
                }
                let safe: String
                switch PackagePath.normalize(path) {
                case .success(let normalized): safe = normalized
                case .failure(let problem): throw UploadError.badRequest("multipart file \"\(path)\": \(problem)")
                }
                guard files[safe] == nil else { throw UploadError.badRequest("multipart file \"\(path)\" appears twice") }
                files[safe] = part.body
            }
            return files
        }
        return try untar(body)
    }

    static func untar(_ bytes: [UInt8]) throws -> [String: [UInt8]] {
        do {
            return try PackageArchive(tar: bytes, limits: limits).files
        } catch {
            throw UploadError.badRequest("the upload is not a usable package archive: \(error)")
        }
    }
}
