import TideModel
import TideYAML
import Yams

extension YAMLReader {
    mutating func dependencies(_ node: Node, of packageName: String?) -> [DeclaredDependency]? {
        if node.isNull { return [] }
        guard let named = entries(of: node, at: "dependencies", expecting: "a mapping of package names to version ranges")
        else { return nil }
        var result: [DeclaredDependency] = []
        for entry in named {
            let path = "dependencies.\(entry.key)"
            guard ManifestRules.isPackageName(entry.key) else {
                report(entry.keyLine, "dependencies",
                       "\"\(entry.key)\" is not a valid package name; \(ManifestRules.packageNameRule)")
                continue
            }
            if entry.key == packageName {
                report(entry.keyLine, path, "a package cannot depend on itself")
                continue
            }
            guard let text = text(entry.value, at: path) else { continue }
            do {
                result.append(DeclaredDependency(name: entry.key, range: try VersionRange(parsing: text)))
            } catch {
                report(entry.value, path, "\"\(text)\" is not a version range such as ^1.2: \(error.reason)")
            }
        }
        return result
    }
}
