/// One device's share of a deployment, as the orchestrator POSTs it to `/deploy`: the wasmiot
/// node plus Tide's optional fields (`generation`, per-module `sha256` and `dependencies`).
public struct DeploymentNode: Sendable, Codable, Equatable {
    public var deploymentId: String
    public var generation: Int?
    public var modules: [ModuleEntry]
    public var endpoints: [String: [String: Endpoint]]?
    public var instructions: Instructions?
    public var mounts: [String: [String: MountStages]]?
    /// Tide: the modules of stateful steps (`state: keep`). When a new generation replaces this
    /// deployment on the device and such a module is unchanged (same digest), its new instance
    /// starts with the old one's state instead of empty.
    public var stateful: [String]?

    public init(
        deploymentId: String, generation: Int? = nil, modules: [ModuleEntry],
        endpoints: [String: [String: Endpoint]]? = nil, instructions: Instructions? = nil,
        mounts: [String: [String: MountStages]]? = nil, stateful: [String]? = nil
    ) {
        self.stateful = stateful
        self.deploymentId = deploymentId
        self.generation = generation
        self.modules = modules
        self.endpoints = endpoints
        self.instructions = instructions
        self.mounts = mounts
    }

    public struct ModuleEntry: Sendable, Codable, Equatable {
        public var id: String?
        public var name: String
        public var urls: URLs
        public var sha256: Digests?
        public var dependencies: [String]?
        /// Tide's addition: the package's signatures, which a supervisor with trusted publisher keys checks.
        public var signing: PackageSigning?

        public init(
            id: String? = nil, name: String, urls: URLs, sha256: Digests? = nil, dependencies: [String]? = nil,
            signing: PackageSigning? = nil
        ) {
            self.id = id
            self.name = name
            self.urls = urls
            self.sha256 = sha256
            self.dependencies = dependencies
            self.signing = signing
        }
    }

    public struct URLs: Sendable, Codable, Equatable {
        public var binary: String
        public var description: String?
        /// Mount name -> URL of a deployment-stage file.
        public var other: [String: String]?

        public init(binary: String, description: String? = nil, other: [String: String]? = nil) {
            self.binary = binary
            self.description = description
            self.other = other
        }
    }

    /// `"sha256": "<hex>"` (the binary) or `"sha256": {"binary": "<hex>", "other": {mount: "<hex>"}}`.
    public struct Digests: Sendable, Codable, Equatable {
        public var binary: String?
        public var other: [String: String]

        public init(binary: String?, other: [String: String] = [:]) {
            self.binary = binary
            self.other = other
        }

        private enum Keys: String, CodingKey { case binary, other }

        public init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                self.init(binary: text)
                return
            }
            let container = try decoder.container(keyedBy: Keys.self)
            self.init(
                binary: try container.decodeIfPresent(String.self, forKey: .binary),
                other: try container.decodeIfPresent([String: String].self, forKey: .other) ?? [:])
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encodeIfPresent(binary, forKey: .binary)
            try container.encode(other, forKey: .other)
        }
    }

    public struct Endpoint: Sendable, Codable, Equatable {
        public var url: String
        public var path: String
        public var method: String?
        public var request: Request?
        public var response: Response?

        public init(url: String, path: String, method: String? = nil, request: Request? = nil, response: Response? = nil) {
            self.url = url
            self.path = path
            self.method = method
            self.request = request
            self.response = response
        }

        public struct Request: Sendable, Codable, Equatable {
            public var parameters: [Parameter]?
            public init(parameters: [Parameter]?) { self.parameters = parameters }
        }

        public struct Parameter: Sendable, Codable, Equatable {
            public var name: String
            public var `in`: String?
            public var required: Bool?
            public var description: String?
            public var schema: JSONValue?

            public init(name: String, in location: String? = "query", required: Bool? = true, description: String? = nil, schema: JSONValue? = nil) {
                self.name = name
                self.in = location
                self.required = required
                self.description = description
                self.schema = schema
            }
        }

        public struct Response: Sendable, Codable, Equatable {
            public var media_type: String?
            public var schema: JSONValue?
            public init(media_type: String?, schema: JSONValue?) {
                self.media_type = media_type
                self.schema = schema
            }
        }

        /// `http://host:port/path`.
        public var address: String {
            let base = url.hasSuffix("/") ? String(url.dropLast()) : url
            return base + (path.hasPrefix("/") ? path : "/" + path)
        }
    }

    public struct Instructions: Sendable, Codable, Equatable {
        public var modules: [String: [String: Instruction]]?
        public init(modules: [String: [String: Instruction]]?) { self.modules = modules }
    }

    public struct Instruction: Sendable, Codable, Equatable {
        public var from: Endpoint?
        public var to: Endpoint?
        public init(from: Endpoint? = nil, to: Endpoint? = nil) {
            self.from = from
            self.to = to
        }

        private enum Keys: String, CodingKey { case from, to }

        /// Both keys always present (`null` when absent): wasmiot supervisors index them directly.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(from, forKey: .from)
            try container.encode(to, forKey: .to)
        }
    }

    public struct MountStages: Sendable, Codable, Equatable {
        public var execution: [Mount]
        public var deployment: [Mount]
        public var output: [Mount]

        public init(execution: [Mount] = [], deployment: [Mount] = [], output: [Mount] = []) {
            self.execution = execution
            self.deployment = deployment
            self.output = output
        }

        private enum Keys: String, CodingKey { case execution, deployment, output }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            execution = try container.decodeIfPresent([Mount].self, forKey: .execution) ?? []
            deployment = try container.decodeIfPresent([Mount].self, forKey: .deployment) ?? []
            output = try container.decodeIfPresent([Mount].self, forKey: .output) ?? []
        }
    }

    /// A file a function sees: `"name"` or `{"path": "name", "media_type": "..."}`.
    public struct Mount: Sendable, Codable, Equatable {
        public var path: String
        public var mediaType: String?

        public init(path: String, mediaType: String? = nil) {
            self.path = path
            self.mediaType = mediaType
        }

        private enum Keys: String, CodingKey { case path, media_type }

        public init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                self.init(path: text)
                return
            }
            let container = try decoder.container(keyedBy: Keys.self)
            self.init(
                path: try container.decode(String.self, forKey: .path),
                mediaType: try container.decodeIfPresent(String.self, forKey: .media_type))
        }

        /// A plain name when there is no media type, as wasmiot orchestrators send it.
        public func encode(to encoder: any Encoder) throws {
            guard let mediaType else {
                var container = encoder.singleValueContainer()
                try container.encode(path)
                return
            }
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(path, forKey: .path)
            try container.encode(mediaType, forKey: .media_type)
        }
    }
}
