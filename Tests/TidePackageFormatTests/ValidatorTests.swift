@testable import TideTesting
import Testing
import TideModel
import TideWasm
@testable import TidePackageFormat

@Suite("package validation")
struct ValidatorTests {
    static let yaml = """
        name: fibo
        version: 1.0.0
        module: fibo.wasm
        functions:
          fibo:
            parameters:
              - name: n
                type: i64
            result: i64
        files:
          model:
            path: data/model.bin
        """

    static var fiboModule: [UInt8] {
        let builder = WasmModuleBuilder().function("fibo", sig([.i64], [.i64]))
        return builder.bytes
    }

    static func files(module: [UInt8] = fiboModule, yaml: String = yaml) -> [String: [UInt8]] {
        ["package.yaml": Array(yaml.utf8), "fibo.wasm": module, "data/model.bin": [1, 2, 3]]
    }

    func problems(
        _ files: [String: [UInt8]], _ catalog: DependencyCatalog = .empty
    ) -> [String] {
        do {
            _ = try PackageValidator().validate(files: files, dependencies: catalog)
            return []
        } catch {
            return error.messages
        }
    }

    func manifest(_ text: String) throws -> PackageManifest { try PackageManifest(yaml: text) }

    @Test func validPackage() throws {
        let files = Self.files().merging(["notes.txt": [0]]) { $1 }
        let package = try PackageValidator().validate(files: files, dependencies: DependencyCatalog.empty)
        #expect(package.manifest.name == "fibo")
        #expect(package.files.map(\.path) == ["data/model.bin", "fibo.wasm", "package.yaml"])
        #expect(package.file(at: "data/model.bin") == PackageFileDigest(
            path: "data/model.bin",
            sha256: try BlobDigest(validating: "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81"),
            size: 3))
        #expect(package.moduleDigest?.size == Self.fiboModule.count)
        #expect(package.module.functionExports == ["fibo": sig([.i64], [.i64])])
        #expect(package.imports.isEmpty && package.hostCapabilities.isEmpty)
        #expect(package.warnings == ["notes.txt is not named in package.yaml and is ignored"])
        let json = try TideJSON.encoder().encode(package)
        #expect(try TideJSON.decoder().decode(ValidatedPackage.self, from: json) == package)
    }

    @Test func missingFilesAreListed() {
        var files = Self.files()
        files["fibo.wasm"] = nil
        files["data/model.bin"] = nil
        #expect(problems(files) == ["missing files named in package.yaml: fibo.wasm, data/model.bin"])
    }

    @Test func missingManifest() {
        var files = Self.files()
        files["package.yaml"] = nil
        #expect(problems(files) == ["the package has no package.yaml at its top level"])
    }

    @Test func manifestProblemsComeThrough() {
        let yaml = Self.yaml.replacingOccurrences(of: "type: i64", with: "type: long")
        #expect(problems(Self.files(yaml: yaml)) == [
            #"package.yaml line 8: functions.fibo.parameters[0].type: "long" is not a type; use i32, i64, f32, f64 or bytes"#,
        ])
    }

    @Test func badRangeIsAManifestProblem() {
        let yaml = Self.yaml + "\ndependencies:\n  mathlib: ^1.x"
        #expect(problems(Self.files(yaml: yaml)) == [
            #"package.yaml line 14: dependencies.mathlib: "^1.x" is not a version range such as ^1.2: "^1.x": "x" is not a number"#,
        ])
    }

    @Test func garbageModuleNamesTheOffset() {
        #expect(problems(Self.files(module: Array("hello world".utf8))) == [
            "fibo.wasm is not a valid WebAssembly module: not a WebAssembly module: expected the magic bytes 00 61 73 6D at byte 0, found 68 65 6C 6C",
        ])
        let truncated = Array(Self.fiboModule.dropLast(3))
        let message = problems(Self.files(module: truncated)).first ?? ""
        #expect(message.hasPrefix("fibo.wasm is not a valid WebAssembly module: truncated"))
        #expect(message.contains("at byte "))
    }

    @Test func declaredFunctionMissing() {
        let builder = WasmModuleBuilder().function("fib", sig([.i64], [.i64])).function("main", sig()).memory()
        #expect(problems(Self.files(module: builder.bytes)) == [
            "function fibo is declared but fibo.wasm does not export it (exports: fib, main)",
        ])
        #expect(problems(Self.files(module: WasmModuleBuilder().bytes)) == [
            "function fibo is declared but fibo.wasm does not export it (it exports no functions)",
        ])
    }

    @Test func declaredFunctionIsNotAFunction() {
        let builder = WasmModuleBuilder().memory(exportedAs: "fibo")
        #expect(problems(Self.files(module: builder.bytes)) == [
            "function fibo is declared but fibo.wasm exports fibo as a memory, not a function",
        ])
    }

    @Test func wrongTypes() {
        let builder = WasmModuleBuilder().function("fibo", sig([.i32], [.i32]))
        #expect(problems(Self.files(module: builder.bytes)) == [
            "function fibo: package.yaml declares (param i64) (result i64) but fibo.wasm exports (param i32) (result i32)",
        ])
        let none = WasmModuleBuilder().function("fibo", sig())
        #expect(problems(Self.files(module: none.bytes)) == [
            "function fibo: package.yaml declares (param i64) (result i64) but fibo.wasm exports (no parameters, no result)",
        ])
    }

    static let bytesYAML = """
        name: vision
        version: 1.0.0
        module: vision.wasm
        functions:
          classify:
            method: post
            parameters:
              - name: image
                type: bytes
            result: bytes
        """

    func bytesProblems(_ builder: WasmModuleBuilder) -> [String] {
        problems(["package.yaml": Array(Self.bytesYAML.utf8), "vision.wasm": builder.bytes])
    }

    @Test func bytesABI() {
        let good = WasmModuleBuilder().function("classify", sig([.i32, .i32], [.i64])).function("alloc", sig([.i32], [.i32])).memory()
        #expect(bytesProblems(good) == [])

        let mistyped = WasmModuleBuilder().function("classify", sig([.i32], [.i32])).function("alloc", sig([.i32], [.i32])).memory()
        #expect(bytesProblems(mistyped) == [
            "function classify: package.yaml declares (param i32 i32) (result i64) but vision.wasm exports (param i32) (result i32) (a bytes parameter is two i32, pointer and length; a bytes result is one i64, pointer << 32 | length)",
        ])
    }

    @Test func bytesWithoutAllocOrMemory() {
        let noAlloc = WasmModuleBuilder().function("classify", sig([.i32, .i32], [.i64]))
        #expect(bytesProblems(noAlloc) == [
            "function classify takes bytes, so vision.wasm must export alloc (param i32) (result i32); it does not export alloc",
            #"function classify takes bytes, so vision.wasm must export its memory as "memory""#,
        ])
        let badAlloc = WasmModuleBuilder().function("classify", sig([.i32, .i32], [.i64])).function("alloc", sig([.i64], [.i64])).memory(exportedAs: "mem")
        #expect(bytesProblems(badAlloc) == [
            "function classify takes bytes, so vision.wasm must export alloc (param i32) (result i32); its alloc is (param i64) (result i64)",
            #"function classify takes bytes, so vision.wasm must export its memory as "memory""#,
        ])
    }

    @Test func bytesResultNeedsMemoryOnly() {
        let yaml = """
            name: camera
            version: 1.0.0
            module: camera.wasm
            functions:
              snapshot:
                result: bytes
            """
        let builder = WasmModuleBuilder().function("snapshot", sig([], [.i64]))
        #expect(problems(["package.yaml": Array(yaml.utf8), "camera.wasm": builder.bytes]) == [
            #"function snapshot returns bytes, so camera.wasm must export its memory as "memory""#,
        ])
    }
}
