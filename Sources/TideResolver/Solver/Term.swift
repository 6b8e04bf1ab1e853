/// A statement about one package: positive `foo S` (foo is selected at a version in S) or
/// negative `not foo S` (foo is not selected at a version in S, possibly not selected at all).
/// `label` points at the declared range the set came from, so explanations can print the range the
/// user wrote; it does not take part in equality.
struct Term: Sendable {
    var package: Int32
    var positive: Bool
    var set: VersionSet
    var label: Int32

    init(package: Int32, positive: Bool, set: VersionSet, label: Int32 = -1) {
        self.package = package
        self.positive = positive
        self.set = set
        self.label = label
    }

    /// The term that is true for every selection (`not foo {}`); used for "no assignment yet".
    static func anything(_ package: Int32) -> Term {
        Term(package: package, positive: false, set: .empty)
    }

    var negated: Term {
        Term(package: package, positive: !positive, set: set, label: label)
    }

    /// Always true: it can be dropped from an incompatibility.
    var isTautology: Bool { !positive && set.isEmpty }

    /// Never true: an incompatibility containing it can never be satisfied.
    var isContradiction: Bool { positive && set.isEmpty }

    func sameMeaning(as other: Term) -> Bool {
        positive == other.positive && set == other.set
    }

    func intersection(_ other: Term) -> Term {
        let result: Term
        switch (positive, other.positive) {
        case (true, true): result = Term(package: package, positive: true, set: set.intersection(other.set))
        case (true, false): result = Term(package: package, positive: true, set: set.subtracting(other.set))
        case (false, true): result = Term(package: package, positive: true, set: other.set.subtracting(set))
        case (false, false): result = Term(package: package, positive: false, set: set.union(other.set))
        }
        return result.keepingLabel(of: self, other)
    }

    func union(_ other: Term) -> Term {
        let result: Term
        switch (positive, other.positive) {
        case (true, true): result = Term(package: package, positive: true, set: set.union(other.set))
        case (true, false): result = Term(package: package, positive: false, set: other.set.subtracting(set))
        case (false, true): result = Term(package: package, positive: false, set: set.subtracting(other.set))
        case (false, false): result = Term(package: package, positive: false, set: set.intersection(other.set))
        }
        return result.keepingLabel(of: self, other)
    }

    /// Whether every selection allowed by `self` is allowed by `other` (self ⊆ other).
    func satisfies(_ other: Term) -> Bool {
        switch (positive, other.positive) {
        case (true, true): set.isSubset(of: other.set)
        case (true, false): set.isDisjoint(with: other.set)
        case (false, true): false
        case (false, false): other.set.isSubset(of: set)
        }
    }

    /// Whether no selection is allowed by both (self ∩ other = ∅).
    func contradicts(_ other: Term) -> Bool {
        switch (positive, other.positive) {
        case (true, true): set.isDisjoint(with: other.set)
        case (true, false): set.isSubset(of: other.set)
        case (false, true): other.set.isSubset(of: set)
        case (false, false): false
        }
    }

    private func keepingLabel(of first: Term, _ second: Term) -> Term {
        var result = self
        if first.label >= 0 && result.sameMeaning(as: first) {
            result.label = first.label
        } else if second.label >= 0 && result.sameMeaning(as: second) {
            result.label = second.label
        }
        return result
    }
}
