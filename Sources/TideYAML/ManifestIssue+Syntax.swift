import Yams

extension ManifestIssue {
    /// Where and why a document could not be composed. `detailed` adds the column and what the
    /// parser was reading (` (while parsing a flow node on line 2)`), and gives a reader error's
    /// problem alone.
    public init(_ error: BoundedYAMLError, detailed: Bool) {
        switch error {
        case .tooDeep(_, let line):
            self.init(line: line, path: "", message: error.message)
        case .syntax(.scanner(let context, let problem, let mark, _)),
             .syntax(.parser(let context, let problem, let mark, _)),
             .syntax(.composer(let context, let problem, let mark, _)):
            let during = detailed ? context.map { " (\($0.text) on line \($0.mark.line))" } ?? "" : ""
            self.init(
                line: mark.line, column: detailed ? mark.column : nil, path: "", message: "not valid YAML: \(problem)\(during)")
        case .syntax(.reader(let problem, _, _, _)) where detailed:
            self.init(line: nil, path: "", message: "not valid YAML: \(problem)")
        case .syntax:
            self.init(line: nil, path: "", message: error.message)
        }
    }
}
