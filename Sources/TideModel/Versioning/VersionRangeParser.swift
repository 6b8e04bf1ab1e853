/// Parser for `VersionRange` text.
enum VersionRangeParser {
    static func parse(_ input: String) throws(VersionRangeError) -> VersionRange {
        func fail(_ reason: String) -> VersionRangeError {
            VersionRangeError(input: input, reason: reason)
        }
        if input.allSatisfy(\.isWhitespace) {
            throw fail("the range is empty; use \"*\" to accept any version")
        }
        var sets: [ComparatorSet] = []
        for alternative in input.split(separator: "||", omittingEmptySubsequences: false) {
            let trimmed = alternative.trimmingWhitespace()
            if trimmed.isEmpty { throw fail("an alternative around \"||\" is empty") }
            sets.append(try comparatorSet(trimmed, fail: fail))
        }
        return VersionRange(sets)
    }

    private static func comparatorSet(
        _ text: Substring, fail: (String) -> VersionRangeError
    ) throws(VersionRangeError) -> ComparatorSet {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
        if parts.count == 1 && parts[0] == "*" { return ComparatorSet([]) }
        var comparators: [VersionComparator] = []
        for part in parts {
            if part.isEmpty { throw fail("a comparator around \",\" is empty in \"\(text)\"") }
            if part == "*" { throw fail("\"*\" cannot be combined with other comparators") }
            comparators.append(try comparator(part, fail: fail))
        }
        return ComparatorSet(comparators)
    }

    private static func comparator(
        _ text: Substring, fail: (String) -> VersionRangeError
    ) throws(VersionRangeError) -> VersionComparator {
        var op = VersionComparator.Operator.caret
        var rest = text
        for candidate in [">=", "<=", "=", "^", "~", ">", "<"] where rest.hasPrefix(candidate) {
            op = VersionComparator.Operator(rawValue: candidate) ?? .caret
            rest = rest.dropFirst(candidate.count)
            break
        }
        let versionText = rest.trimmingWhitespace()
        guard let first = versionText.utf8.first, first >= 0x30 && first <= 0x39 else {
            if versionText.isEmpty || text.count == versionText.count {
                throw fail("\"\(text)\" is not a comparator: expected an operator (=, ^, ~, >, >=, <, <=) and a version")
            }
            throw fail("\"\(text)\": expected a version after \"\(op.rawValue)\"")
        }
        if versionText.contains(where: \.isWhitespace) {
            throw fail("\"\(text)\" contains a space; separate comparators with \",\"")
        }
        do {
            return VersionComparator(op, try partialVersion(versionText))
        } catch {
            throw fail("\"\(text)\": \(error.reason)")
        }
    }

    private static func partialVersion(_ text: Substring) throws(VersionTextProblem) -> PartialVersion {
        if text.contains("+") {
            throw VersionTextProblem(reason: "build metadata is not allowed in a range")
        }
        var core = text
        var prerelease: [PrereleaseIdentifier] = []
        if let dash = text.firstIndex(of: "-") {
            prerelease = try SemanticVersionParser.prereleaseIdentifiers(text[text.index(after: dash)...])
            core = text[..<dash]
        }
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 3 else {
            throw VersionTextProblem(reason: "a version has at most three numbers")
        }
        let major = try SemanticVersionParser.number(parts[0])
        let minor = parts.count > 1 ? try SemanticVersionParser.number(parts[1]) : nil
        let patch = parts.count > 2 ? try SemanticVersionParser.number(parts[2]) : nil
        if !prerelease.isEmpty && patch == nil {
            throw VersionTextProblem(reason: "a prerelease needs a full major.minor.patch version")
        }
        return PartialVersion(major: major, minor: minor, patch: patch, prerelease: prerelease)
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var result = self
        while let first = result.first, first.isWhitespace { result = result.dropFirst() }
        while let last = result.last, last.isWhitespace { result = result.dropLast() }
        return result
    }
}
