/// Turns the derivation graph of `{root}` into numbered prose, following the error reporting
/// procedure of PubGrub's write-up: linear chains read as "Because ..., And because ...", and
/// derivations used more than once get a line number to refer back to.
struct ExplanationWriter {
    private let incompatibilities: [Incompatibility]
    private let formatter: TermFormatter
    private var derivations: [Int32: Int] = [:]
    private var lineNumbers: [Int32: Int] = [:]
    private var lines: [(text: String, number: Int?)] = []

    init(incompatibilities: [Incompatibility], formatter: TermFormatter) {
        self.incompatibilities = incompatibilities
        self.formatter = formatter
    }

    mutating func explain(_ root: Int32) -> ResolutionExplanation {
        guard incompatibilities[Int(root)].isDerived else {
            let fact = formatter.describe(incompatibilities[Int(root)])
            return ResolutionExplanation(lines: ["Because \(fact), version solving failed."])
        }
        countDerivations(root)
        visit(root, conclusion: true)
        let width = lineNumbers.values.max().map { "(\($0)) ".count } ?? 0
        let padding = String(repeating: " ", count: width)
        return ResolutionExplanation(lines: lines.map { line in
            if line.text.isEmpty { return "" }
            guard let number = line.number else { return padding + line.text }
            let label = "(\(number)) "
            return label + String(repeating: " ", count: width - label.count) + line.text
        })
    }

    private mutating func countDerivations(_ index: Int32) {
        var stack = [index]
        var visited: Set<Int32> = []
        while let current = stack.popLast() {
            guard visited.insert(current).inserted else { continue }
            guard case .derived(let first, let second) = incompatibilities[Int(current)].cause else { continue }
            for cause in [first, second] {
                derivations[cause, default: 0] += 1
                stack.append(cause)
            }
        }
    }

    private func text(_ index: Int32) -> String { formatter.describe(incompatibilities[Int(index)]) }

    private func isDerived(_ index: Int32) -> Bool { incompatibilities[Int(index)].isDerived }

    private func causes(_ index: Int32) -> (Int32, Int32)? {
        if case .derived(let first, let second) = incompatibilities[Int(index)].cause { return (first, second) }
        return nil
    }

    private mutating func write(_ index: Int32, _ message: String) {
        if derivations[index, default: 0] > 1 {
            let number = lineNumbers.count + 1
            lineNumbers[index] = number
            lines.append((message, number))
        } else {
            lines.append((message, nil))
        }
    }

    private mutating func visit(_ index: Int32, conclusion: Bool = false) {
        guard let (first, second) = causes(index) else { return }
        let and = conclusion ? "So," : "And"
        let statement = text(index)
        if isDerived(first) && isDerived(second) {
            let firstLine = lineNumbers[first]
            let secondLine = lineNumbers[second]
            if let firstLine, let secondLine {
                write(index, "Because \(text(first)) (\(firstLine)) and \(text(second)) (\(secondLine)), \(statement).")
            } else if firstLine != nil || secondLine != nil {
                let numbered = firstLine != nil ? first : second
                let other = firstLine != nil ? second : first
                visit(other)
                write(index, "\(and) because \(text(numbered)) (\(lineNumbers[numbered] ?? 0)), \(statement).")
            } else if isSimple(first) || isSimple(second) {
                let simple = isSimple(second) ? second : first
                let complex = simple == second ? first : second
                visit(complex)
                visit(simple)
                write(index, "Thus, \(statement).")
            } else {
                visit(first, conclusion: true)
                if lineNumbers[first] == nil, !lines.isEmpty {
                    let number = lineNumbers.count + 1
                    lineNumbers[first] = number
                    lines[lines.count - 1].number = number
                }
                lines.append(("", nil))
                visit(second)
                write(index, "\(and) because \(text(first)) (\(lineNumbers[first] ?? 0)), \(statement).")
            }
        } else if isDerived(first) || isDerived(second) {
            let derived = isDerived(first) ? first : second
            let external = derived == first ? second : first
            if let line = lineNumbers[derived] {
                write(index, "Because \(text(external)) and \(text(derived)) (\(line)), \(statement).")
            } else if let (priorDerived, priorExternal) = collapsible(derived) {
                visit(priorDerived)
                let joined = formatter.and(incompatibilities[Int(priorExternal)], incompatibilities[Int(external)])
                write(index, "\(and) because \(joined), \(statement).")
            } else {
                visit(derived)
                write(index, "\(and) because \(text(external)), \(statement).")
            }
        } else {
            let joined = formatter.and(incompatibilities[Int(first)], incompatibilities[Int(second)])
            write(index, "Because \(joined), \(statement).")
        }
    }

    /// Caused by two external incompatibilities, so it fits on one line.
    private func isSimple(_ index: Int32) -> Bool {
        guard let (first, second) = causes(index) else { return false }
        return !isDerived(first) && !isDerived(second)
    }

    /// A derived incompatibility used once, caused by exactly one derived incompatibility without a
    /// line number and one external one: its line can be merged into the next.
    private func collapsible(_ index: Int32) -> (derived: Int32, external: Int32)? {
        guard derivations[index, default: 0] <= 1, let (first, second) = causes(index) else { return nil }
        switch (isDerived(first), isDerived(second)) {
        case (true, false): return lineNumbers[first] == nil ? (first, second) : nil
        case (false, true): return lineNumbers[second] == nil ? (second, first) : nil
        default: return nil
        }
    }
}
