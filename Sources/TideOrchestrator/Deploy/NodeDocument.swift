import TideModel

/// The deployment node one device receives on `POST /deploy`: the wasmiot shape, plus Tide's
/// digests, dependency links and generation (which wasmiot supervisors ignore).
struct NodeDocument: Sendable, Encodable, Equatable {
    struct Module: Sendable, Encodable, Equatable {
        struct URLs: Sendable, Encodable, Equatable {
            var binary: String
            var description: String
            var other: [String: String]
        }
        struct Digests: Sendable, Encodable, Equatable {
            var binary: String
            var other: [String: String]
        }
        var id: String
        var name: String
        var urls: URLs
        var sha256: Digests
        var dependencies: [String]
        var signing: PackageSigning?
    }

    struct Endpoint: Sendable, Encodable, Equatable {
        struct Parameter: Sendable, Encodable, Equatable {
            var name: String
            var `in` = "query"
            var required = true
            var description: String
            var schema: JSONValue
        }
        struct Request: Sendable, Encodable, Equatable { var parameters: [Parameter] }
        struct Response: Sendable, Encodable, Equatable {
            var media_type: String
            var schema: JSONValue
        }
        var url: String
        var path: String
        var method: String
        var request: Request
        var response: Response

        var address: String { url + path }
    }

    struct Instruction: Sendable, Encodable, Equatable {
        var from: Endpoint?
        var to: Endpoint?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(from, forKey: .from)
            try container.encode(to, forKey: .to)
        }
        private enum Keys: String, CodingKey { case from, to }
    }

    struct Instructions: Sendable, Encodable, Equatable {
        var modules: [String: [String: Instruction]]
    }

    struct Mounts: Sendable, Encodable, Equatable {
        var execution: [String] = []
        var deployment: [String]
        var output: [String] = []
    }

    var deploymentId: String
    var generation: Int64
    var modules: [Module]
    var endpoints: [String: [String: Endpoint]]
    var instructions: Instructions
    var mounts: [String: [String: Mounts]]
}
