import TideModel

/// One run of PubGrub over a catalog: unit propagation, conflict resolution with learned
/// incompatibilities and backjumping, and decision making that prefers the highest version.
/// Iteration is always over arrays in a fixed order, so the result is deterministic.
struct PubGrubSolver {
    private enum Relation {
        case satisfied
        case almostSatisfied(Int)
        case contradicted
        case inconclusive
    }

    private let catalog: PackageCatalog
    private(set) var incompatibilities: [Incompatibility] = []
    private var byPackage: [[Int32]]
    private var accumulated: [Term]
    private var decided: [Int32]
    private var assignments: [Assignment] = []
    private var level: Int32 = 0
    private var templateAdded: [Bool]
    private var active: [Int32] = []
    private var isActive: [Bool]
    private var pinnedYanked: [(package: Int32, index: Int)] = []
    /// Conflicts resolved so far, and how many may be before the run gives up: PubGrub is
    /// exponential in the worst case, and requirements come from clients.
    private var conflicts = 0
    private let conflictLimit: Int

    /// The default conflict budget, far above the few dozen real registries need.
    static let defaultConflictLimit = 50_000

    init(catalog: PackageCatalog, conflictLimit: Int = PubGrubSolver.defaultConflictLimit) {
        self.catalog = catalog
        self.conflictLimit = conflictLimit
        byPackage = Array(repeating: [], count: catalog.count)
        accumulated = (0..<catalog.count).map { Term.anything(Int32($0)) }
        decided = Array(repeating: -1, count: catalog.count)
        isActive = Array(repeating: false, count: catalog.count)
        templateAdded = Array(repeating: false, count: catalog.templateCount)
    }

    /// Solves for the root's requirements: (package, version index) pairs of the solution, in the
    /// order packages were first reached. Throws `.unsatisfiable` with the index of `{root}`.
    mutating func solve(_ requirements: [PackageDependency]) throws(SolverStop) -> [(Int32, Int)] {
        let root = PackageCatalog.rootID
        activate(root)
        decided[Int(root)] = 0
        assignments.append(Assignment(
            package: root, term: Term(package: root, positive: true, set: .single(0)),
            accumulated: Term(package: root, positive: true, set: .single(0)),
            previous: .anything(root), level: 0, cause: -1))
        accumulated[Int(root)] = assignments[0].accumulated

        for requirement in requirements.sorted(by: { ($0.name, $0.range.description) < ($1.name, $1.range.description) }) {
            let target = try wrap { () throws(ResolutionError) in try catalog.id(for: requirement.name) }
            grow()
            let set = catalog.set(of: target, matching: requirement.range)
            var problem: DependencyFact.Problem?
            if !catalog.packages[Int(target)].exists {
                problem = .unknownPackage
            } else if set.isEmpty {
                problem = .noMatchingVersion
            }
            let fact = DependencyFact(dependency: target, label: catalog.label(for: requirement.range), problem: problem)
            var terms = [Term(package: root, positive: true, set: .single(0))]
            if problem == nil {
                terms.append(Term(package: target, positive: false, set: set, label: fact.label))
            }
            add(Incompatibility(terms: terms, cause: .dependency(fact)))
            if let exact = requirement.range.exactVersion,
               let index = catalog.versions(target).firstIndex(of: exact),
               catalog.isYanked(target, index) {
                pinnedYanked.append((target, index))
            }
        }

        var next = root
        while true {
            try propagate(from: next)
            guard let package = try decide() else { break }
            next = package
        }
        return active.compactMap { package in
            package == root || decided[Int(package)] < 0 ? nil : (package, Int(decided[Int(package)]))
        }
    }

    // MARK: - Unit propagation

    private mutating func propagate(from start: Int32) throws(SolverStop) {
        var changed: [Int32] = [start]
        while let package = changed.popLast() {
            let candidates = byPackage[Int(package)]
            var position = candidates.count - 1
            while position >= 0 {
                let incompatibility = candidates[position]
                position -= 1
                switch relation(incompatibility) {
                case .satisfied:
                    let learned = try resolveConflict(incompatibility)
                    guard case .almostSatisfied(let termIndex) = relation(learned) else {
                        throw .error(.internalInconsistency("learned incompatibility is not almost satisfied"))
                    }
                    let term = incompatibilities[Int(learned)].terms[termIndex]
                    derive(term.negated, cause: learned)
                    changed = [term.package]
                    position = -1
                case .almostSatisfied(let termIndex):
                    let term = incompatibilities[Int(incompatibility)].terms[termIndex]
                    derive(term.negated, cause: incompatibility)
                    if !changed.contains(term.package) { changed.append(term.package) }
                case .contradicted, .inconclusive:
                    continue
                }
            }
        }
    }

    private func relation(_ index: Int32) -> Relation {
        var unsatisfied = -1
        let terms = incompatibilities[Int(index)].terms
        for position in 0..<terms.count {
            let term = terms[position]
            let current = accumulated[Int(term.package)]
            if current.satisfies(term) { continue }
            if current.contradicts(term) { return .contradicted }
            if unsatisfied >= 0 { return .inconclusive }
            unsatisfied = position
        }
        return unsatisfied < 0 ? .satisfied : .almostSatisfied(unsatisfied)
    }

    // MARK: - Conflict resolution

    private mutating func resolveConflict(_ conflict: Int32) throws(SolverStop) -> Int32 {
        conflicts += 1
        guard conflicts <= conflictLimit else { throw .error(.tooComplex(conflictLimit: conflictLimit)) }
        var current = conflict
        while true {
            let terms = incompatibilities[Int(current)].terms
            if terms.isEmpty || (terms.count == 1 && terms[0].positive && terms[0].package == PackageCatalog.rootID) {
                throw .unsatisfiable(current)
            }
            var satisfier = -1
            var satisfierTerm = 0
            var previous = -1
            for position in 0..<terms.count {
                guard let index = earliestSatisfier(of: terms[position]) else {
                    throw .error(.internalInconsistency("conflicting incompatibility is not satisfied"))
                }
                if index > satisfier {
                    previous = max(previous, satisfier)
                    satisfier = index
                    satisfierTerm = position
                } else {
                    previous = max(previous, index)
                }
            }
            let term = terms[satisfierTerm]
            let satisfying = assignments[satisfier]
            if !satisfying.term.satisfies(term) {
                for index in 0..<satisfier where assignments[index].package == term.package {
                    if assignments[index].accumulated.intersection(satisfying.term).satisfies(term) {
                        previous = max(previous, index)
                        break
                    }
                }
            }
            let previousLevel = previous >= 0 ? assignments[previous].level : 0
            if satisfying.isDecision || previousLevel != satisfying.level {
                if current != conflict { register(current) }
                backtrack(to: previousLevel)
                return current
            }
            current = store(priorCause(of: current, satisfierTerm: term, cause: satisfying.cause))
        }
    }

    private func earliestSatisfier(of term: Term) -> Int? {
        for index in 0..<assignments.count where assignments[index].package == term.package {
            if assignments[index].accumulated.satisfies(term) { return index }
        }
        return nil
    }

    /// Resolution of `incompatibility` with the cause of its satisfier: `{q, r, t1 ∪ t2}`.
    private func priorCause(of incompatibility: Int32, satisfierTerm: Term, cause: Int32) -> Incompatibility {
        let package = satisfierTerm.package
        var terms: [Term] = []
        var merged = satisfierTerm
        for term in incompatibilities[Int(incompatibility)].terms where term.package != package {
            terms.append(term)
        }
        for term in incompatibilities[Int(cause)].terms {
            if term.package == package {
                merged = merged.union(term)
            } else if let existing = terms.firstIndex(where: { $0.package == term.package }) {
                terms[existing] = terms[existing].intersection(term)
            } else {
                terms.append(term)
            }
        }
        terms.append(merged)
        terms.removeAll { $0.isTautology }
        if terms.count > 1 {
            terms.removeAll { $0.positive && $0.package == PackageCatalog.rootID }
        }
        return Incompatibility(terms: terms, cause: .derived(incompatibility, cause))
    }

    // MARK: - Decision making

    private mutating func decide() throws(SolverStop) -> Int32? {
        var best: Int32 = -1
        var bestCount = Int.max
        for package in active where decided[Int(package)] < 0 {
            let term = accumulated[Int(package)]
            guard term.positive else { continue }
            let count = selectableCount(package, term.set)
            if count < bestCount || (count == bestCount && catalog.name(package) < catalog.name(best)) {
                best = package
                bestCount = count
            }
        }
        guard best >= 0 else { return nil }
        let term = accumulated[Int(best)]
        guard let version = highestSelectable(best, term.set) else {
            add(Incompatibility(terms: [Term(package: best, positive: true, set: term.set)], cause: .yanked))
            return best
        }
        let compiled = try wrap { () throws(ResolutionError) in try catalog.dependencies(of: best) }
        grow()
        var added: [Int32] = []
        for templateIndex in compiled.byVersion[version] {
            let template = compiled.templates[Int(templateIndex)]
            guard !templateAdded[template.globalIndex] else { continue }
            templateAdded[template.globalIndex] = true
            let incompatibility = catalog.incompatibility(for: template, of: best)
            if incompatibility.terms.contains(where: \.isContradiction) { continue }
            added.append(add(incompatibility))
        }
        let decision = Term(package: best, positive: true, set: .single(version))
        for index in added where wouldBeSatisfied(index, by: decision) {
            return best
        }
        level += 1
        decided[Int(best)] = Int32(version)
        assignments.append(Assignment(
            package: best, term: decision, accumulated: decision, previous: term, level: level, cause: -1))
        accumulated[Int(best)] = decision
        return best
    }

    private func wouldBeSatisfied(_ index: Int32, by decision: Term) -> Bool {
        for term in incompatibilities[Int(index)].terms {
            let current = term.package == decision.package ? decision : accumulated[Int(term.package)]
            if !current.satisfies(term) { return false }
        }
        return true
    }

    private func selectableCount(_ package: Int32, _ set: VersionSet) -> Int {
        var count = set.countCommon(with: catalog.packages[Int(package)].nonYanked)
        for pin in pinnedYanked where pin.package == package && set.contains(pin.index) { count += 1 }
        return count
    }

    private func highestSelectable(_ package: Int32, _ set: VersionSet) -> Int? {
        var best = set.highestCommon(with: catalog.packages[Int(package)].nonYanked)
        for pin in pinnedYanked where pin.package == package && set.contains(pin.index) {
            best = max(best ?? pin.index, pin.index)
        }
        return best
    }

    // MARK: - Partial solution

    private mutating func derive(_ term: Term, cause: Int32) {
        let package = term.package
        activate(package)
        let before = accumulated[Int(package)]
        let after = before.intersection(term)
        assignments.append(Assignment(
            package: package, term: term, accumulated: after, previous: before, level: level, cause: cause))
        accumulated[Int(package)] = after
    }

    private mutating func backtrack(to target: Int32) {
        while let last = assignments.last, last.level > target {
            accumulated[Int(last.package)] = last.previous
            if last.isDecision { decided[Int(last.package)] = -1 }
            assignments.removeLast()
        }
        level = target
    }

    // MARK: - Incompatibility store

    /// Stores and indexes an incompatibility so propagation sees it.
    @discardableResult
    private mutating func add(_ incompatibility: Incompatibility) -> Int32 {
        let index = store(incompatibility)
        register(index)
        return index
    }

    private mutating func store(_ incompatibility: Incompatibility) -> Int32 {
        incompatibilities.append(incompatibility)
        return Int32(incompatibilities.count - 1)
    }

    private mutating func register(_ index: Int32) {
        for term in incompatibilities[Int(index)].terms {
            byPackage[Int(term.package)].append(index)
        }
    }

    private mutating func activate(_ package: Int32) {
        if !isActive[Int(package)] {
            isActive[Int(package)] = true
            active.append(package)
        }
    }

    /// Extends the per-package arrays after the catalog learned new packages or templates.
    private mutating func grow() {
        while byPackage.count < catalog.count {
            accumulated.append(.anything(Int32(byPackage.count)))
            byPackage.append([])
            decided.append(-1)
            isActive.append(false)
        }
        if templateAdded.count < catalog.templateCount {
            templateAdded.append(contentsOf: repeatElement(false, count: catalog.templateCount - templateAdded.count))
        }
    }

    private func wrap<T>(_ body: () throws(ResolutionError) -> T) throws(SolverStop) -> T {
        do {
            return try body()
        } catch {
            throw .error(error)
        }
    }
}

/// How a solver run stopped without a solution.
enum SolverStop: Error {
    /// `{root}` was derived; the index is the root of the derivation graph.
    case unsatisfiable(Int32)
    case error(ResolutionError)
}
