import ArgumentParser
import Foundation
import TideSigning

struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Make publisher keys for signed packages.",
        discussion: """
            A publisher signs packages with its private key (tide module publish DIR --sign NAME.key); servers \
            (tide server --trusted-key NAME.pub --require-signed) and supervisors (tide supervisor \
            --trusted-key NAME.pub --require-signed) check the signature against the public key. See \
            docs/security.md.
            """,
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Make an Ed25519 key pair: NAME.key (private, mode 0600) and NAME.pub.")
        @Argument(help: "The key's name, also its file names (letters, digits, -, _, .).") var name: String
        @Option(help: ArgumentHelp("Where to write the two files.", valueName: "dir")) var dir = "."

        func validate() throws {
            guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }),
                !name.hasPrefix(".")
            else {
                throw ValidationError("the key name must be 1-64 letters, digits, -, _ or . (not starting with .)")
            }
        }

        func run() async throws {
            let key = PublisherSigningKey.generate(name: name)
            let privatePath = dir + "/" + name + ".key"
            let publicPath = dir + "/" + name + ".pub"
            guard !FileManager.default.fileExists(atPath: privatePath), !FileManager.default.fileExists(atPath: publicPath) else {
                throw CLIFailure("\(privatePath) or \(publicPath) exists already; keys are never overwritten")
            }
            let descriptor = open(privatePath, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard descriptor >= 0 else { throw CLIFailure("cannot create \(privatePath): \(String(cString: strerror(errno)))") }
            let bytes = Array(key.fileText.utf8)
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
            guard written == bytes.count else { throw CLIFailure("cannot write \(privatePath)") }
            do {
                try key.publicKey.fileText.write(toFile: publicPath, atomically: true, encoding: .utf8)
            } catch {
                throw CLIFailure("cannot write \(publicPath): \(error.localizedDescription)")
            }
            print("key \(name) (id \(key.publicKey.id)): private \(privatePath) (keep it secret), public \(publicPath)")
        }
    }
}
