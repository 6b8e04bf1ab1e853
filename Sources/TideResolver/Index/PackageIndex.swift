import Foundation
import TideModel

/// An offline registry index in JSON:
/// `{"packages": {"<name>": {"<version>": {"<dependency>": "<range>", ...}, ...}, ...}}`,
/// optionally with `"yanked": {"<name>": ["<version>", ...]}`.
public struct PackageIndex: Sendable {
    public var provider: InMemoryPackageProvider

    public init(provider: InMemoryPackageProvider) {
        self.provider = provider
    }

    public init(json data: Data) throws(PackageIndexError) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw PackageIndexError("the file is not valid JSON (\(error.localizedDescription))")
        }
        guard let top = object as? [String: Any], let packages = top["packages"] as? [String: Any] else {
            throw PackageIndexError("expected an object with a \"packages\" object at the top level")
        }
        var provider = InMemoryPackageProvider()
        for name in packages.keys.sorted() {
            if name.isEmpty || name.contains(where: \.isWhitespace) {
                throw PackageIndexError("package name \"\(name)\" is empty or contains spaces")
            }
            guard let versions = packages[name] as? [String: Any] else {
                throw PackageIndexError("package \"\(name)\": expected an object mapping versions to dependencies")
            }
            var seen: [SemanticVersion: String] = [:]
            for versionText in versions.keys.sorted() {
                let version: SemanticVersion
                do {
                    version = try SemanticVersion(parsing: versionText)
                } catch {
                    throw PackageIndexError("package \"\(name)\": \(error)")
                }
                if let other = seen[version] {
                    throw PackageIndexError("package \"\(name)\": versions \"\(other)\" and \"\(versionText)\" differ only in build metadata")
                }
                seen[version] = versionText
                guard let dependencies = versions[versionText] as? [String: Any] else {
                    throw PackageIndexError("package \"\(name)\" version \(versionText): expected an object mapping dependency names to ranges")
                }
                var parsed: [PackageDependency] = []
                for dependency in dependencies.keys.sorted() {
                    guard let rangeText = dependencies[dependency] as? String else {
                        throw PackageIndexError("package \"\(name)\" version \(versionText), dependency \"\(dependency)\": expected a range string such as \"^1.0\"")
                    }
                    do {
                        parsed.append(PackageDependency(dependency, try VersionRange(parsing: rangeText)))
                    } catch {
                        throw PackageIndexError("package \"\(name)\" version \(versionText), dependency \"\(dependency)\": \(error)")
                    }
                }
                provider.add(name, version, dependencies: parsed)
            }
        }
        if let yanked = top["yanked"] {
            guard let yanked = yanked as? [String: Any] else {
                throw PackageIndexError("\"yanked\" must map package names to lists of versions")
            }
            for name in yanked.keys.sorted() {
                guard let list = yanked[name] as? [String] else {
                    throw PackageIndexError("yanked versions of \"\(name)\" must be a list of version strings")
                }
                for text in list {
                    guard let version = try? SemanticVersion(parsing: text),
                          provider.versions(of: name).contains(version) else {
                        throw PackageIndexError("yanked version \(name) \(text) is not in the index")
                    }
                    provider.setYanked(name, version)
                }
            }
        }
        self.provider = provider
    }

    public var packageNames: [String] { provider.packageNames }

    /// The index as JSON with sorted keys (yanked versions listed under `"yanked"`).
    public func jsonText() -> String {
        var out = "{\n  \"packages\": {"
        var yanked: [(String, [String])] = []
        for (packageIndex, name) in provider.packageNames.enumerated() {
            out += packageIndex == 0 ? "\n" : ",\n"
            out += "    \(Self.quote(name)): {"
            var yankedVersions: [String] = []
            for (versionIndex, version) in provider.versions(of: name).enumerated() {
                out += versionIndex == 0 ? "\n" : ",\n"
                let dependencies = provider.dependencies(of: name, version: version)
                    .sorted { $0.name < $1.name }
                    .map { "\(Self.quote($0.name)): \(Self.quote($0.range.description))" }
                out += "      \(Self.quote(version.description)): {\(dependencies.joined(separator: ", "))}"
                if provider.isYanked(name, version: version) { yankedVersions.append(version.description) }
            }
            out += "\n    }"
            if !yankedVersions.isEmpty { yanked.append((name, yankedVersions)) }
        }
        out += "\n  }"
        if !yanked.isEmpty {
            out += ",\n  \"yanked\": {\n"
            out += yanked.map { name, versions in
                "    \(Self.quote(name)): [\(versions.map(Self.quote).joined(separator: ", "))]"
            }.joined(separator: ",\n")
            out += "\n  }"
        }
        return out + "\n}\n"
    }

    private static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
