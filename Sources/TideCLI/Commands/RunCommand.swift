import ArgumentParser
import Foundation
import TideClient
import TideModel

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a deployed pipeline once and show its result, with each step's device, value and duration.",
        discussion: """
            Inputs are the first steps' arguments by parameter name, as the package declares them (or \
            param0, param1...): a JSON number (`tide run fibo n=10`; integers exact up to 64 bits), or \
            for a bytes parameter a file as @path (`tide run classify-image data=@photo.pgm`; at most \
            64 MiB here, and the server's --max-run-input-bytes, 8 MiB by default). A bytes result is shown \
            as the URL to download it from; --output DIR saves it there, fetched through the server. A value \
            the package names (result-labels) is shown with its label, e.g. 2 (bright). The result line says \
            which step it is the value of. Exits with 1 when a step failed.
            """)
    /// The largest file `name=@path` reads.
    static let maxFileBytes = 64 << 20

    @OptionGroup var client: ClientOptions
    @OptionGroup var output: OutputOptions
    @Option(name: .customLong("output"), help: ArgumentHelp(
        "Save the result's bytes (a step with a bytes result) into this directory, as <step>.<type>.", valueName: "dir"))
    var outputDirectory: String?
    @Argument(help: ArgumentHelp("The deployment name.", valueName: "name")) var name: String
    @Argument(help: ArgumentHelp(
        "Inputs of the first steps: a parameter name and a JSON number, or @ and a file for bytes.", valueName: "key=value|key=@file"))
    var inputs: [String] = []

    /// The inputs as given: numbers, and the paths of files.
    struct Inputs: Equatable {
        var numbers: [String: JSONNumber] = [:]
        var files: [String: String] = [:]
    }

    func validate() throws {
        _ = try parsedInputs()
    }

    func parsedInputs() throws -> Inputs {
        var result = Inputs()
        for input in inputs {
            guard let equals = input.firstIndex(of: "="), equals != input.startIndex else {
                throw ValidationError("\"\(input)\" is not key=value (e.g. n=10, or image=@photo.pgm)")
            }
            let key = String(input[..<equals])
            let text = String(input[input.index(after: equals)...])
            guard result.numbers[key] == nil, result.files[key] == nil else {
                throw ValidationError("\"\(key)\" is given twice")
            }
            if text.hasPrefix("@") {
                let path = String(text.dropFirst())
                guard !path.isEmpty else { throw ValidationError("\"\(input)\": give a file after @, e.g. \(key)=@photo.pgm") }
                result.files[key] = path
            } else {
                guard let number = Self.number(text) else {
                    throw ValidationError(
                        "\"\(input)\": \"\(text)\" is not a number; inputs are JSON numbers, e.g. \(key)=10 or \(key)=0.5, or files, e.g. \(key)=@photo.pgm")
                }
                result.numbers[key] = number
            }
        }
        return result
    }

    /// `text` as a JSON number (`10`, `-2.5`, `1e3`; integers exact up to 64 bits), nil for anything
    /// else (`0x10`, `inf`, `1.`).
    static func number(_ text: String) -> JSONNumber? {
        JSONNumber(text: text)
    }

    /// The file of input `key`, refused when missing or larger than `maxFileBytes`.
    static func readFile(_ path: String, input key: String) throws -> [UInt8] {
        let size: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            guard attributes[.type] as? FileAttributeType != .typeDirectory else {
                throw CLIFailure("input \(key): \(path) is a directory, not a file")
            }
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            throw CLIFailure("input \(key): no file at \(path)")
        }
        guard size <= maxFileBytes else {
            throw CLIFailure("input \(key): \(path) is \(size) bytes, more than the limit of \(maxFileBytes) bytes (64 MiB)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIFailure("input \(key): cannot read \(path)")
        }
        guard data.count <= maxFileBytes else {
            throw CLIFailure("input \(key): \(path) is more than the limit of \(maxFileBytes) bytes (64 MiB)")
        }
        return Array(data)
    }

    func run() async throws {
        let inputs = try parsedInputs()
        var files: [String: (fileName: String, bytes: [UInt8])] = [:]
        for (key, path) in inputs.files {
            files[key] = (URL(fileURLWithPath: path).lastPathComponent, try Self.readFile(path, input: key))
        }
        let client = try client.client()
        let result = try await call {
            if files.isEmpty {
                try await client.run(name, inputs: inputs.numbers.mapValues(JSONValue.number))
            } else {
                try await client.run(name, inputs: inputs.numbers, files: files)
            }
        }
        if output.json {
            print(try TideJSON.text(result))
        } else {
            print(RunOutput.render(result, names: await DeviceNames.load(client)))
        }
        if let outputDirectory, result.success {
            try await save(result, into: outputDirectory, client: client)
        }
        if !result.success {
            throw CLIFailure("run of \(result.deployment) failed: \(result.error ?? "a step failed")")
        }
    }

    /// Saves each bytes value of the result (a URL) into `directory`, fetched through the server.
    private func save(_ result: RunResult, into directory: String, client: TideClient) async throws {
        let urls = ResultFiles.urls(in: result)
        guard !urls.isEmpty else {
            FileHandle.standardError.write(Data("tide: the result has no bytes to save (--output)\n".utf8))
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CLIFailure("--output: cannot create the directory \(directory): \(error.localizedDescription)")
        }
        for (step, url) in urls {
            let bytes = try await call { try await client.resultFile(result.deployment, url: url) }
            let path = (directory as NSString).appendingPathComponent(step + ResultFiles.fileExtension(of: Array(bytes)))
            guard FileManager.default.createFile(atPath: path, contents: bytes) else {
                throw CLIFailure("--output: cannot write \(path)")
            }
            let line = "saved \(step)'s result (\(bytes.count) bytes) to \(path)\n"
            if output.json {
                FileHandle.standardError.write(Data(line.utf8))
            } else {
                print(line, terminator: "")
            }
        }
    }
}
