import Testing
import TideModel
import TideResolver

@Suite struct YankTests {
    private let provider: InMemoryPackageProvider

    init() throws {
        provider = try registry([
            "app": ["1.0.0": ["lib": "^1.0"]],
            "lib": ["1.0.0": [:], "1.1.0": [:], "1.2.0": [:]],
            "solo": ["1.0.0": [:]],
        ], yanked: ["lib": ["1.2.0"], "solo": ["1.0.0"]])
    }

    @Test func yankedVersionsAreSkipped() throws {
        let resolution = try Resolver(provider: provider).resolve(requirements(["app": "^1"]))
        #expect(resolution.versions == ["app": "1.0.0", "lib": "1.1.0"])
        #expect(resolution.packages.allSatisfy { !$0.yanked })
    }

    @Test func exactRootPinChoosesTheYankedVersionAndSaysSo() throws {
        let resolution = try Resolver(provider: provider).resolve(requirements(["app": "^1", "lib": "=1.2.0"]))
        #expect(resolution.versions == ["app": "1.0.0", "lib": "1.2.0"])
        #expect(resolution.packages.first { $0.name == "lib" }?.yanked == true)
        #expect(resolution.packages.first { $0.name == "app" }?.yanked == false)
    }

    @Test func nonExactRequirementNeverChoosesYanked() throws {
        #expect(try explanation(provider, ["lib": ">=1.2"]) == "Because lib >=1.2.0 is yanked and root depends on lib >=1.2, version solving failed.")
        #expect(try explanation(provider, ["solo": "*"]) == "Because every version of solo is yanked and root depends on solo, version solving failed.")
    }

    @Test func transitivePinOfYankedVersionIsRejected() throws {
        let pinned = try registry([
            "app": ["1.0.0": ["lib": "=1.2.0"]],
            "lib": ["1.0.0": [:], "1.2.0": [:]],
        ], yanked: ["lib": ["1.2.0"]])
        #expect(try explanation(pinned, ["app": "*"]) != nil)
    }
}
