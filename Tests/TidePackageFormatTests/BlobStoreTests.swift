import Foundation
import Testing
@testable import TidePackageFormat

@Suite("content-addressed blob store")
struct BlobStoreTests {
    let root: String
    let store: BlobStore

    init() {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("tide-blobs-\(UUID().uuidString)").path
        store = BlobStore(root: root)
    }

    func directoryEntries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: store.directory).sorted()
    }

    @Test func putReadAndPath() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let bytes = Array("hello".utf8)
        let digest = try store.put(bytes)
        #expect(digest.hex == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        #expect(store.path(for: digest) == root + "/blobs/sha256/" + digest.hex)
        #expect(store.contains(digest))
        #expect(try store.read(digest) == bytes)
        #expect(try store.verify(digest) == .intact)
        #expect(try directoryEntries() == [digest.hex])
        #expect(try store.allDigests() == [digest])
    }

    @Test func deduplicatesWithoutWriting() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let digest = try store.put([1, 2, 3])
        let path = store.path(for: digest)
        let past = Date(timeIntervalSince1970: 1_000_000)
        try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: path)
        #expect(try store.put([1, 2, 3]) == digest)
        let modified = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        #expect(modified == past)
        #expect(try directoryEntries() == [digest.hex])
    }

    @Test func leavesNoTemporaryFiles() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        var digests: [BlobDigest] = []
        for size in [0, 1, 65_535, 65_536, 200_000] {
            digests.append(try store.put([UInt8](repeating: UInt8(size % 256), count: size)))
        }
        #expect(try directoryEntries() == digests.map(\.hex).sorted())
        #expect(try store.allDigests() == digests.sorted())
    }

    @Test func corruptionIsDetected() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let digest = try store.put(Array("model weights".utf8))
        try Data("tampered".utf8).write(to: URL(fileURLWithPath: store.path(for: digest)))
        let actual = BlobDigest(of: Array("tampered".utf8))
        #expect(try store.verify(digest) == .corrupted(actual: actual))
        #expect {
            try store.read(digest)
        } throws: { error in
            (error as? BlobStoreError)?.description
                == "blob store: \(store.path(for: digest)) is corrupted: its content hashes to \(actual), not \(digest)"
        }
    }

    @Test func missingAndRemoved() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let digest = try store.put([42])
        try store.remove(digest)
        #expect(!store.contains(digest))
        #expect(try store.verify(digest) == .missing)
        try store.remove(digest)
        #expect(throws: BlobStoreError(path: store.path(for: digest), reason: .notFound)) { try store.read(digest) }
        #expect(try store.allDigests() == [])
    }

    @Test func osErrorsNameThePath() throws {
        let blocked = BlobStore(root: "/proc/tide-cannot-create-this")
        #expect {
            try blocked.put([1])
        } throws: { error in
            let text = (error as? BlobStoreError)?.description ?? ""
            return text.hasPrefix("blob store: mkdir /proc/tide-cannot-create-this: ")
        }
    }

    @Test func digestValidation() throws {
        let hex = String(repeating: "ab", count: 32)
        #expect(try BlobDigest(validating: hex).hex == hex)
        #expect(try BlobDigest(validating: "sha256:" + hex).prefixed == "sha256:" + hex)
        #expect(BlobDigest(hex.uppercased()) == nil)
        #expect(BlobDigest(String(hex.dropLast())) == nil)
        #expect(BlobDigest(String(hex.dropLast()) + "g") == nil)
        #expect(throws: BlobDigestError(text: "xyz")) { try BlobDigest(validating: "xyz") }
        #expect(BlobDigestError(text: "xyz").description
            == #""xyz" is not a SHA-256 digest: expected 64 lowercase hexadecimal digits"#)
        let json = try JSONEncoder().encode([try BlobDigest(validating: hex)])
        #expect(String(decoding: json, as: UTF8.self) == "[\"\(hex)\"]")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([BlobDigest].self, from: Data("[\"nope\"]".utf8)) }
    }
}
