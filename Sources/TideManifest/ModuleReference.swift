import TideModel

/// `package@range` as a step's `module` writes it; no range means any version.
struct ModuleReference: Equatable {
    var package: String
    var range: VersionRange

    enum Problem: Error, Equatable {
        case invalidName(String)
        case invalidRange(VersionRangeError)
    }

    static func parse(_ text: String) -> Result<ModuleReference, Problem> {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0]).trimmingCharacters(in: " ")
        guard isValidPackageName(name) else { return .failure(.invalidName(name)) }
        guard parts.count == 2 else { return .success(ModuleReference(package: name, range: .any)) }
        do {
            return .success(ModuleReference(package: name, range: try VersionRange(parsing: String(parts[1]))))
        } catch {
            return .failure(.invalidRange(error))
        }
    }

    /// The registry's rule: 1-64 lowercase letters, digits and `-`, starting with a letter.
    static func isValidPackageName(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard let first = scalars.first, scalars.count <= 64, ("a"..."z").contains(first) else { return false }
        return scalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
