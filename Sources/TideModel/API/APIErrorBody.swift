/// The body of every API error: `{"error": {"code", "message", "details"}}`.
public struct APIErrorBody: Sendable, Codable, Equatable {
    public struct Content: Sendable, Codable, Equatable {
        public var code: String
        public var message: String
        public var details: JSONValue?
        public init(code: String, message: String, details: JSONValue?) {
            self.code = code
            self.message = message
            self.details = details
        }
    }
    public var error: Content
    public init(error: Content) { self.error = error }
}
