import TideModel
import Testing
import TideResolver

@Suite("The resolver's conflict budget")
struct ConflictBudgetTests {
    /// Every version of foo needs its own helper package, and every helper needs target ^1 while
    /// the root asks for target ^2: the search meets one conflict per version of foo.
    let provider: InMemoryPackageProvider

    init() throws {
        var packages: [String: [String: [String: String]]] = ["target": ["1.0.0": [:], "2.0.0": [:]]]
        packages["foo"] = Dictionary(uniqueKeysWithValues: (0..<5).map { ("1.0.\($0)", ["p\($0)": "^1.0.0"]) })
        for index in 0..<5 { packages["p\(index)"] = ["1.0.0": ["target": "^1.0.0"]] }
        packages["foo"]?["0.9.0"] = [:]
        provider = try registry(packages)
    }

    @Test func aSearchPastItsBudgetStopsWithAClearError() throws {
        let resolver = Resolver(provider: provider, conflictLimit: 2)
        #expect(throws: ResolutionError.tooComplex(conflictLimit: 2)) {
            try resolver.resolve(requirements(["foo": "*", "target": "^2.0.0"]))
        }
        #expect(ResolutionError.tooComplex(conflictLimit: 1).description
            == "resolution gave up after 1 conflicts between versions; narrow the version ranges of the requirements")
    }

    @Test func theDefaultBudgetLeavesRealResolutionsAlone() throws {
        #expect(Resolver.defaultConflictLimit == 50_000)
        let resolved = try Resolver(provider: provider).resolve(requirements(["foo": "*", "target": "^2.0.0"]))
        #expect(resolved.versions == ["foo": "0.9.0", "target": "2.0.0"])
    }
}
