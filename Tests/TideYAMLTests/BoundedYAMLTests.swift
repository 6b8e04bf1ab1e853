import Testing
import Yams
@testable import TideYAML

@Suite("YAML composed within limits")
struct BoundedYAMLTests {
    func depthError(_ text: String, limit: Int = YAMLLimits.defaultMaximumDepth) -> (limit: Int, line: Int)? {
        do {
            _ = try BoundedYAML.compose(text, limits: YAMLLimits(maximumDepth: limit))
            return nil
        } catch {
            guard case .tooDeep(let limit, let line) = error else { return nil }
            return (limit, line)
        }
    }

    @Test func theLimitItselfIsAccepted() throws {
        let flow = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(try BoundedYAML.compose(flow) != nil)
        #expect(depthError("[" + flow + "]")?.limit == 64)
    }

    @Test func hugeFlowNestingIsRefusedBeforeComposing() {
        let sequence = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(depthError(sequence)?.line == 1)
        let mappings = String(repeating: "{a: ", count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        #expect(depthError("name: x\nlabels: " + mappings)?.line == 2)
        let unclosed = String(repeating: "[", count: 100_000)
        #expect(depthError(unclosed)?.line == 1)
    }

    @Test func blockNestingCountsToo() {
        var text = ""
        for level in 0..<70 { text += String(repeating: "  ", count: level) + "k\(level):\n" }
        text += String(repeating: "  ", count: 70) + "leaf: 1\n"
        #expect(depthError(text)?.line == 65)
        #expect(depthError(String(repeating: "- ", count: 200) + "x")?.line == 1)
    }

    @Test func jsonNestsLikeFlowYAML() {
        let json = "{\"steps\": " + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "}"
        #expect(depthError(json)?.limit == 64)
    }

    @Test func syntaxErrorsAreTheComposersOwn() {
        do {
            _ = try BoundedYAML.compose("a: [1, 2\nb: 3")
            Issue.record("accepted invalid YAML")
        } catch {
            guard case .syntax = error else { Issue.record("expected a syntax error, got \(error)"); return }
            #expect(error.message.hasPrefix("not valid YAML: "))
        }
    }

    @Test func theMessageSaysWhatToDo() {
        #expect(BoundedYAMLError.tooDeep(limit: 64, line: 3).message
            == "lists and mappings nest deeper than 64 levels; the document is refused before it is read")
    }
}
