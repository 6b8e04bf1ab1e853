// libyaml's event parser, which Yams builds but does not expose: CYaml is a target of the Yams
// package, not one of its products, so Package.swift cannot name it. Internal, so that no client
// of TideYAML sees it.
internal import CYaml
import Yams

/// Composes YAML into Yams nodes after checking its nesting depth with libyaml's event parser,
/// which keeps explicit stacks: Yams' composer (and every walk over its nodes) recurses once per
/// level, so thousands of `[` would overflow the thread's stack.
public enum BoundedYAML {
    public static func compose(_ text: String, limits: YAMLLimits = YAMLLimits()) throws(BoundedYAMLError) -> Node? {
        try checkDepth(text, limit: limits.maximumDepth)
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw .syntax(error)
        } catch {
            throw .syntax(.reader(problem: "\(error)", offset: nil, value: 0, yaml: text))
        }
    }

    /// Walks the events until the end of the stream, a syntax error (left for the composer to
    /// report with its own message) or a level past `limit`.
    static func checkDepth(_ text: String, limit: Int) throws(BoundedYAMLError) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        let tooDeepLine: Int? = bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var depth = 0
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    depth += 1
                    if depth > limit { return Int(event.start_mark.line) + 1 }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    depth -= 1
                case YAML_STREAM_END_EVENT:
                    return nil
                default:
                    break
                }
            }
            return nil
        }
        if let line = tooDeepLine { throw .tooDeep(limit: limit, line: line) }
    }
}
