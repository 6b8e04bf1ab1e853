import TideModel

/// Prints terms and incompatibilities in user-facing range syntax. Sets that did not come from a
/// declared range are collapsed into a few ranges over consecutive versions.
struct TermFormatter {
    let catalog: PackageCatalog
    let rootName: String

    func name(_ package: Int32) -> String {
        package == PackageCatalog.rootID ? rootName : catalog.name(package)
    }

    func isEveryVersion(_ term: Term) -> Bool {
        term.set.count == catalog.versions(term.package).count
    }

    /// `foo ^1.0.0`, `every version of foo` (when `allowEvery`) or `foo`; the root is its name.
    func terse(_ term: Term, allowEvery: Bool = false) -> String {
        if term.package == PackageCatalog.rootID { return rootName }
        if isEveryVersion(term) {
            return allowEvery ? "every version of \(name(term.package))" : name(term.package)
        }
        return "\(name(term.package)) \(range(term))"
    }

    func range(_ term: Term) -> String {
        if term.label >= 0 { return catalog.labels[Int(term.label)].description }
        return collapse(term.set, of: term.package)
    }

    /// The set as ranges in `||` form, each run of consecutive versions printed as the simplest
    /// range that selects exactly that run among the known versions.
    func collapse(_ set: VersionSet, of package: Int32) -> String {
        let versions = catalog.versions(package)
        if set.isEmpty { return "<none>" }
        return set.runs.map { run in runText(run, versions) }.joined(separator: " || ")
    }

    private func runText(_ run: ClosedRange<Int>, _ versions: [SemanticVersion]) -> String {
        let first = versions[run.lowerBound]
        let next = run.upperBound + 1 < versions.count ? versions[run.upperBound + 1] : nil
        var candidates: [String] = []
        if run.upperBound == versions.count - 1 { candidates.append(">=\(first)") }
        if run.lowerBound == 0, let next { candidates.append("<\(next)") }
        candidates.append("^\(first)")
        candidates.append("~\(first)")
        if run.count == 1 { candidates.append("=\(first)") }
        if let next { candidates.append(">=\(first), <\(next)") }
        // Prereleases inside the run are named explicitly, since a range only admits the
        // prereleases it names.
        for candidate in candidates {
            guard let range = try? VersionRange(parsing: candidate) else { continue }
            var extra: [String] = []
            var exact = true
            for index in versions.indices {
                let inside = run.contains(index)
                let admitted = range.contains(versions[index])
                if inside && !admitted && versions[index].isPrerelease {
                    extra.append("=\(versions[index])")
                } else if inside != admitted {
                    exact = false
                    break
                }
            }
            if exact { return ([candidate] + extra).joined(separator: " || ") }
        }
        return run.map { "=\(versions[$0])" }.joined(separator: " || ")
    }

    // MARK: - Incompatibilities

    /// The fact an incompatibility states, as a clause ("foo ^1.0.0 depends on bar ^2.0.0").
    func describe(_ incompatibility: Incompatibility) -> String {
        switch incompatibility.cause {
        case .dependency(let fact):
            return dependency(incompatibility.terms[0], fact)
        case .yanked:
            let term = incompatibility.terms[0]
            if isEveryVersion(term) { return "every version of \(name(term.package)) is yanked" }
            return "\(terse(term)) is yanked"
        case .derived:
            return conclusion(incompatibility.terms)
        }
    }

    private func dependency(_ depender: Term, _ fact: DependencyFact) -> String {
        let subject = terse(depender, allowEvery: true)
        let target = dependencyTarget(fact)
        switch fact.problem {
        case nil: return "\(subject) depends on \(target)"
        case .unknownPackage: return "\(subject) depends on \(target) but no package named \(name(fact.dependency)) exists"
        case .noMatchingVersion: return "\(subject) depends on \(target) which matches no versions"
        case .requiresOtherVersionOfItself: return "\(subject) depends on \(target)"
        }
    }

    func dependencyTarget(_ fact: DependencyFact) -> String {
        let range = catalog.labels[Int(fact.label)]
        return range.isAny ? name(fact.dependency) : "\(name(fact.dependency)) \(range)"
    }

    private func conclusion(_ terms: [Term]) -> String {
        if terms.isEmpty { return "version solving failed" }
        if terms.count == 1 {
            let term = terms[0]
            if term.package == PackageCatalog.rootID && term.positive { return "version solving failed" }
            return term.positive
                ? "\(terse(term, allowEvery: true)) is forbidden"
                : "\(terse(term.negated)) is required"
        }
        let positives = terms.filter(\.positive)
        let negatives = terms.filter { !$0.positive }
        if terms.count == 2 {
            if positives.count == 1 {
                return "\(terse(positives[0], allowEvery: true)) requires \(terse(negatives[0].negated))"
            }
            if positives.count == 2 {
                return "\(terse(positives[0], allowEvery: true)) is incompatible with \(terse(positives[1]))"
            }
            return "either \(terse(negatives[0].negated)) or \(terse(negatives[1].negated)) is required"
        }
        if negatives.isEmpty {
            return list(positives.map { terse($0) }, "and") + " are incompatible"
        }
        if positives.isEmpty {
            return "one of " + list(negatives.map { terse($0.negated) }, "or") + " is required"
        }
        return "if " + list(positives.map { terse($0) }, "and") + " then "
            + list(negatives.map { terse($0.negated) }, "or")
    }

    private func list(_ items: [String], _ conjunction: String) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " \(conjunction) " + (items.last ?? "")
    }

    /// Two external facts joined for one sentence, merging the common shapes
    /// ("foo depends on both a and b", "foo depends on bar which depends on baz").
    func and(_ first: Incompatibility, _ second: Incompatibility) -> String {
        if case .dependency(let a) = first.cause, case .dependency(let b) = second.cause,
           a.problem == nil, b.problem == nil {
            let dependerA = first.terms[0]
            let dependerB = second.terms[0]
            if dependerA.package == dependerB.package && dependerA.set == dependerB.set {
                return "\(terse(dependerA, allowEvery: true)) depends on both \(dependencyTarget(a)) and \(dependencyTarget(b))"
            }
            if a.dependency == dependerB.package, first.terms[1].set.isSubset(of: dependerB.set) {
                return "\(terse(dependerA, allowEvery: true)) depends on \(dependencyTarget(a)) which depends on \(dependencyTarget(b))"
            }
            if b.dependency == dependerA.package, second.terms[1].set.isSubset(of: dependerA.set) {
                return "\(terse(dependerB, allowEvery: true)) depends on \(dependencyTarget(b)) which depends on \(dependencyTarget(a))"
            }
        }
        return "\(describe(first)) and \(describe(second))"
    }
}
