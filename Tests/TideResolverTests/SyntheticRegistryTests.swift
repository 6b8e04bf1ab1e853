import TideFixtures
import Testing
import TideModel
import TideResolver

@Suite struct SyntheticRegistryTests {
    @Test func generationIsDeterministicAndRealistic() {
        let first = SyntheticRegistry(preset: .small)
        let second = SyntheticRegistry(preset: .small)
        #expect(first.index.jsonText() == second.index.jsonText())
        #expect(first.provider.packageNames.count == 60)
        #expect(abs(first.versionCount - 300) < 30)
        #expect(first.edgeCount > 1_000)
        let versions = first.provider.packageNames.flatMap { name in first.provider.versions(of: name) }
        #expect(versions.contains { $0.isPrerelease })
        #expect(versions.contains { $0.major >= 2 })
        let yanked = first.provider.packageNames.contains { name in
            first.provider.versions(of: name).contains { first.provider.isYanked(name, version: $0) }
        }
        #expect(yanked)
        let report = IndexSweep.run(first.index, options: .init(includeExplanations: false))
        #expect(report.resolved > report.unsatisfiable)
        #expect(report.unsatisfiable > 0)
    }

    @Test func splitMix64IsStable() {
        var random = SplitMix64(seed: 42)
        #expect(random.next() == 0xBDD7_3226_2FEB_6E95)
    }
}
