import Testing
import TideModel
import TideResolver

@Suite struct PropertyTests {
    @Test func solutionsAreValidAndAgreeWithBruteForce() throws {
        var satisfiable = 0
        for seed in UInt64(1)...400 {
            let random = try RandomRegistry(seed: seed)
            let expected = random.bruteForceSatisfiable()
            do {
                let resolution = try Resolver(provider: random.provider).resolve(random.root)
                #expect(random.isValid(resolution), "seed \(seed): invalid solution \(resolution.packages)")
                #expect(expected, "seed \(seed): resolver found a solution brute force did not")
                satisfiable += 1
            } catch {
                #expect(error.explanation != nil, "seed \(seed): \(error)")
                #expect(!expected, "seed \(seed): resolver failed but a solution exists:\n\(error)")
            }
        }
        #expect(satisfiable > 100 && satisfiable < 380, "satisfiable: \(satisfiable)")
    }
}
