import Hummingbird
import HummingbirdTesting
import Testing
import TideHTTP

@Suite("Tide's JSON in request contexts")
struct TideJSONRequestContextTests {
    struct Context: TideJSONRequestContext {
        var coreContext: CoreRequestContextStorage
        init(source: ApplicationRequestContextSource) { coreContext = .init(source: source) }
    }

    struct Pair: ResponseEncodable {
        var path = "a/b"
        var count = 1
    }

    @Test("responses are encoded with TideJSON: sorted keys, slashes as they are")
    func encoding() async throws {
        let router = Router(context: Context.self)
        router.get("pair") { _, _ in Pair() }
        try await Application(router: router).test(.router) { client in
            let response = try await client.execute(uri: "/pair", method: .get)
            #expect(String(buffer: response.body) == #"{"count":1,"path":"a/b"}"#)
        }
    }
}
