/// One entry of the partial solution: a decision (`cause < 0`) or a derivation with its cause.
struct Assignment: Sendable {
    var package: Int32
    var term: Term
    /// Intersection of all assignments of `package` up to and including this one.
    var accumulated: Term
    /// The accumulated term before this assignment, restored on backtracking.
    var previous: Term
    var level: Int32
    var cause: Int32

    var isDecision: Bool { cause < 0 }
}
