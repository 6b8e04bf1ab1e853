import Foundation
import NIOCore
import Testing
@testable import TideOrchestrator
@testable import TideTesting

@Suite("Error answers as text", .stopsWhatItStarts)
struct HTMLTextTests {
    /// What Flask (werkzeug) answers when a wasmiot supervisor's /deploy raises.
    static let flask500 = """
        <!doctype html>
        <html lang=en>
        <title>500 Internal Server Error</title>
        <h1>Internal Server Error</h1>
        <p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>
        """

    @Test("an HTML error page becomes its text; JSON errors give their message; plain text stays")
    func messages() {
        #expect(SupervisorClient.errorMessage(ByteBuffer(string: Self.flask500)).hasPrefix(
            "500 Internal Server Error Internal Server Error The server encountered an internal error"))
        #expect(!SupervisorClient.errorMessage(ByteBuffer(string: Self.flask500)).contains("<"))
        #expect(SupervisorClient.errorMessage(ByteBuffer(string: #"{"error": "No module named x"}"#)) == "No module named x")
        #expect(SupervisorClient.errorMessage(ByteBuffer(string: #"{"error": {"code": "c", "message": "bad node"}}"#)) == "bad node")
        #expect(SupervisorClient.errorMessage(ByteBuffer(string: "plain <not a page> text")) == "plain <not a page> text")
        #expect(SupervisorClient.errorMessage(ByteBuffer(string: "  ")) == "(no message)")
        #expect(SupervisorClient.errorMessage(ByteBuffer(string: String(repeating: "x", count: 5000))).count == 300)
    }

    @Test("scripts, styles and entities")
    func details() {
        let page = "<html><head><style>p { color: red }</style><script>alert('<b>')</script></head><body><p>a &lt;b&gt; &amp; &quot;c&quot;</p></body></html>"
        #expect(HTMLText.text(of: page) == #"a <b> & "c""#)
        #expect(HTMLText.text(of: "<html><p>unclosed <b") == "unclosed")
    }

    @Test("any input ends, and the text is never longer than the page")
    func arbitraryInput() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let alphabet = Array("<>/!-&;#x abcpscriptstyle\n\"'=")
        for _ in 0..<2000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let length = Int(state >> 56)
            var text = "<html>"
            for step in 0..<length {
                let pick = Int((state >> UInt64(step % 48)) & 0xff) % alphabet.count
                text.append(alphabet[pick])
            }
            let result = HTMLText.text(of: text)
            #expect(result.count <= text.count)
        }
    }
}
