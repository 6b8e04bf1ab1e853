@testable import TideTesting
import Testing
import TideModel
import TideWasm
@testable import TidePackageFormat

@Suite("dependencies and import classification")
struct DependencyValidationTests {
    static let yaml = """
        name: thermostat
        version: 2.0.0
        module: thermostat.wasm
        functions:
          control:
            result: i32
        dependencies:
          mathlib: ^1.0
        """

    static let catalog = DependencyCatalog([
        "mathlib": [
            PublishedVersion(version: SemanticVersion(1, 0, 0), exports: ["add": sig([.i32, .i32], [.i32])]),
            PublishedVersion(version: SemanticVersion(1, 1, 0), exports: [
                "add": sig([.i32, .i32], [.i32]), "mul": sig([.i32, .i32], [.i32]), "sub": sig([.i32, .i32], [.i32]),
            ]),
            PublishedVersion(version: SemanticVersion(1, 2, 0), exports: [:], isYanked: true),
            PublishedVersion(version: SemanticVersion(2, 0, 0), exports: [:]),
        ],
    ])

    static func module(_ configure: (WasmModuleBuilder) -> WasmModuleBuilder = { $0 }) -> [UInt8] {
        configure(WasmModuleBuilder()).function("control", sig([], [.i32])).bytes
    }

    func validate(_ module: [UInt8], yaml: String = yaml, catalog: DependencyCatalog = catalog) throws -> ValidatedPackage {
        try PackageValidator().validate(
            files: ["package.yaml": Array(yaml.utf8), "thermostat.wasm": module], dependencies: catalog)
    }

    func problems(_ module: [UInt8], yaml: String = yaml, catalog: DependencyCatalog = catalog) -> [String] {
        do {
            _ = try validate(module, yaml: yaml, catalog: catalog)
            return []
        } catch let error as PackageValidationError {
            return error.messages
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test func classifiesWasiDependencyAndHostImports() throws {
        let module = Self.module {
            $0.importFunction("wasi_snapshot_preview1", "fd_write", sig([.i32, .i32, .i32, .i32], [.i32]))
                .importFunction("mathlib", "mul", sig([.i32, .i32], [.i32]))
                .importFunction("sensor", "read_temperature", sig([], [.f32]))
                .importFunction("sys", "millis", sig([], [.i64]))
                .importFunction("sensor", "read_temperature", sig([], [.f32]))
                .importEntity("env", "memory", .memory(minimum: 1))
                .importEntity("env", "table", .table(minimum: 1))
                .importEntity("env", "stack_pointer", .global(.i32, mutable: true))
        }
        let package = try validate(module)
        #expect(package.imports.map(\.provider) == [
            .wasi, .dependency("mathlib"), .host, .host, .host, .host, .host, .host,
        ])
        #expect(package.imports.map(\.kind) == [
            .function, .function, .function, .function, .function, .memory, .table, .global,
        ])
        #expect(package.imports[1].signature?.signature == sig([.i32, .i32], [.i32]))
        #expect(package.imports[5].signature == nil)
        #expect(package.imports[5].description == "host memory env.memory")
        #expect(package.imports[2].description == "host function sensor.read_temperature (func (result f32))")
        #expect(package.hostCapabilities == [
            "env.memory", "env.stack_pointer", "env.table", "sensor.read_temperature", "sys.millis",
        ])
        #expect(package.checkedDependencyVersions == ["mathlib": SemanticVersion(1, 1, 0)])
        #expect(package.warnings == [])
        let json = try TideJSON.encoder().encode(package.imports)
        #expect(String(decoding: json, as: UTF8.self).contains(#""provider":"dependency:mathlib""#))
        #expect(try TideJSON.decoder().decode([ClassifiedImport].self, from: json) == package.imports)
    }

    @Test func unknownDependency() {
        #expect(problems(Self.module(), catalog: .empty) == ["dependency mathlib is not in the registry"])
    }

    @Test func rangeMatchingNothing() {
        let yaml = Self.yaml.replacingOccurrences(of: "^1.0", with: "^3.0")
        #expect(problems(Self.module(), yaml: yaml) == [
            "dependency mathlib ^3.0 matches no published version (published: 1.0.0, 1.1.0, 2.0.0)",
        ])
        let allYanked = DependencyCatalog(["mathlib": [PublishedVersion(version: SemanticVersion(1, 0, 0), exports: [:], isYanked: true)]])
        #expect(problems(Self.module(), catalog: allYanked) == [
            "dependency mathlib ^1.0 matches no published version (published: none)",
        ])
    }

    @Test func dependencyImportMissing() {
        let module = Self.module { $0.importFunction("mathlib", "div", sig([.i32, .i32], [.i32])) }
        #expect(problems(module) == [
            "import mathlib.div (param i32 i32) (result i32): mathlib 1.1.0 does not export div (exports: add, mul, sub)",
        ])
    }

    @Test func dependencyImportMistyped() {
        let module = Self.module { $0.importFunction("mathlib", "add", sig([.i64, .i64], [.i64])) }
        #expect(problems(module) == [
            "import mathlib.add: thermostat.wasm imports (param i64 i64) (result i64) but mathlib 1.1.0 exports (param i32 i32) (result i32)",
        ])
    }

    @Test func dependencyImportMustBeAFunction() {
        let module = Self.module { $0.importEntity("mathlib", "memory", .memory(minimum: 1)) }
        #expect(problems(module) == [
            "import mathlib.memory: a memory cannot be imported from dependency mathlib; only functions can",
        ])
    }

    @Test func unusedDependencyIsAWarning() throws {
        let package = try validate(Self.module())
        #expect(package.warnings == ["dependency mathlib is declared but thermostat.wasm imports nothing from it"])
    }

    @Test func publishedVersionFromValidatedPackage() throws {
        let module = Self.module { $0.importFunction("mathlib", "add", sig([.i32, .i32], [.i32])) }
        let published = PublishedVersion(try validate(module))
        #expect(published.version == SemanticVersion(2, 0, 0))
        #expect(published.exports == ["control": sig([], [.i32])])
    }

    @Test func problemsFromSeveralStagesAreAllReported() {
        let yaml = Self.yaml + "\n  vision: ^1.0"
        let builder = WasmModuleBuilder()
            .importFunction("mathlib", "add", sig([.i64], [.i64]))
            .function("control", sig([], [.i64]))
        #expect(problems(builder.bytes, yaml: yaml) == [
            "function control: package.yaml declares (result i32) but thermostat.wasm exports (result i64)",
            "dependency vision is not in the registry",
            "import mathlib.add: thermostat.wasm imports (param i64) (result i64) but mathlib 1.1.0 exports (param i32 i32) (result i32)",
        ])
    }
}
