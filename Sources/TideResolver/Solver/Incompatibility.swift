/// A set of terms that must not all be true, with the reason it is known.
struct Incompatibility: Sendable {
    enum Cause: Sendable {
        /// A version range of a package depends on another package (the first term is the depender).
        case dependency(DependencyFact)
        /// Every version in the term is yanked.
        case yanked
        /// Derived during conflict resolution from two earlier incompatibilities (indices).
        case derived(Int32, Int32)
    }

    var terms: [Term]
    var cause: Cause

    var isDerived: Bool {
        if case .derived = cause { return true }
        return false
    }
}

/// The external fact behind a dependency incompatibility.
struct DependencyFact: Sendable {
    enum Problem: Sendable {
        case unknownPackage
        case noMatchingVersion
        case requiresOtherVersionOfItself
    }

    var dependency: Int32
    var label: Int32
    var problem: Problem?
}
