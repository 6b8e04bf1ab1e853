import Testing
import TideModel

/// `--server`, `TIDE_SERVER`, `--orchestrator` and `--join` lists: what is accepted, and what each refusal says.
@Suite struct ServerURLListTests {
    func refusal(_ text: String, source: String = "--server", httpsOnly: Bool = false) -> String? {
        do {
            _ = try ServerURLList(parsing: text, source: source, httpsOnly: httpsOnly)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func oneOrSeveralURLsInOrderWithoutTrailingSlashes() throws {
        #expect(try ServerURLList(parsing: "http://127.0.0.1:3000/", source: "--server").urls == ["http://127.0.0.1:3000"])
        let list = try ServerURLList(parsing: "https://tide-a.lan:3000, https://tide-b.lan:3000/ ,http://10.0.0.3:3000/tide", source: "--server")
        #expect(list.urls == ["https://tide-a.lan:3000", "https://tide-b.lan:3000", "http://10.0.0.3:3000/tide"])
        #expect(list.first == "https://tide-a.lan:3000")
        #expect(list.description == "https://tide-a.lan:3000,https://tide-b.lan:3000,http://10.0.0.3:3000/tide")
    }

    @Test func eachRefusalNamesTheSourceAndTheURL() {
        #expect(refusal("ftp://a") == #"--server must be an http:// or https:// URL, got "ftp://a""#)
        #expect(refusal("127.0.0.1:3000", source: "TIDE_SERVER") == #"TIDE_SERVER must be an http:// or https:// URL, got "127.0.0.1:3000""#)
        #expect(refusal("http://a:3000,tide-b:3000") == #"--server (URL 2 of 2) must be an http:// or https:// URL, got "tide-b:3000""#)
        #expect(refusal("http://") == #"--server has no host name, got "http://""#)
        #expect(refusal("http://:3000") == #"--server has no host name, got "http://:3000""#)
        #expect(refusal("http://a/?x=1") == #"--server must be a base URL, without ? or #, got "http://a/?x=1""#)
        #expect(refusal("http://a b") == #"--server must not contain spaces or control characters, got "http://a b""#)
        #expect(refusal("http://a,,http://b") == "--server has an empty entry (URL 2 of 3): give URL[,URL...] with no comma left over")
        #expect(refusal("http://a,") == "--server has an empty entry (URL 2 of 2): give URL[,URL...] with no comma left over")
        #expect(refusal("") == "--server has an empty entry: give URL[,URL...] with no comma left over")
    }

    @Test func duplicatesAreRefusedWhateverTheirSlashOrCase() {
        #expect(refusal("http://a:3000,http://b:3000,http://a:3000/") == "--server lists http://a:3000 twice")
        #expect(refusal("http://A:3000,http://a:3000", source: "--orchestrator") == "--orchestrator lists http://a:3000 twice")
    }

    @Test func atMostSixteenAndNoHugeText() {
        let sixteen = (1...16).map { "http://10.0.0.\($0):3000" }
        #expect(refusal(sixteen.joined(separator: ",")) == nil)
        let seventeen = sixteen + ["http://10.0.0.17:3000"]
        #expect(refusal(seventeen.joined(separator: ",")) == "--server lists 17 URLs; at most 16 are accepted")
        let huge = "http://" + String(repeating: "a", count: 40_000)
        #expect(refusal(huge) == "--server is 40007 bytes long; at most 16 URLs of 2048 bytes each are accepted")
        #expect(refusal("http://" + String(repeating: "a", count: 2050)) == "--server is longer than 2048 bytes")
    }

    @Test func joinTakesHTTPSOnly() {
        #expect(refusal("https://a:3000,http://b:3000", source: "--join", httpsOnly: true) == #"--join (URL 2 of 2) must be an https:// URL, got "http://b:3000""#)
        #expect(refusal("https://a:3000,https://b:3000", source: "--join", httpsOnly: true) == nil)
    }
}
