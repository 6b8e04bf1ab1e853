import Testing
import TideHTTP
@testable import TideTesting

@Suite("multipart/form-data bodies: limits checked before the work", .stopsWhatItStarts)
struct MultipartParserTests {
    func message(_ body: [UInt8], boundary: String) -> String? {
        do {
            _ = try MultipartParser.parse(body, contentType: "multipart/form-data; boundary=\(boundary)")
            return nil
        } catch {
            return error.message
        }
    }

    @Test func aLongBoundaryIsRefusedBeforeSearching() {
        let boundary = String(repeating: "a", count: 80_000)
        #expect(message(Array(repeating: UInt8(ascii: "a"), count: 1 << 20), boundary: boundary)
            == "the multipart boundary must be 1-70 characters (RFC 2046)")
    }

    @Test func tooManyParts() {
        let part = "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n"
        let body = Array((String(repeating: part, count: 1_001) + "--b--\r\n").utf8)
        #expect(message(body, boundary: "b") == "the multipart body has more than 1000 parts")
        let fine = Array((String(repeating: part, count: 999) + "--b--\r\n").utf8)
        #expect(message(fine, boundary: "b") == nil)
    }

    @Test func aHeaderEndIsLookedForOnlyInsideItsPart() {
        let body = Array("--b\r\nContent-Disposition: form-data; name=\"f\"\r\n--b\r\n\r\n\r\nx\r\n--b--\r\n".utf8)
        #expect(message(body, boundary: "b") == "a multipart part has no header end")
    }
}
