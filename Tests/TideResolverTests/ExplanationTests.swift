import Testing
import TideModel
import TideResolver

@Suite struct ExplanationTests {
    @Test func unknownPackageIsAnIncompatibilityNotACrash() throws {
        let provider = try registry(["app": ["1.0.0": ["ghost": "^1.0"]]])
        #expect(try explanation(provider, ["app": "^1.0"]) == """
            Because every version of app depends on ghost ^1.0 but no package named ghost exists and root depends on app ^1.0, version solving failed.
            """)
        #expect(try explanation(provider, ["nothing": "*"]) == "Because root depends on nothing but no package named nothing exists, version solving failed.")
    }

    @Test func rangeMatchingNoVersion() throws {
        let provider = try registry(["app": ["1.0.0": [:]]])
        #expect(try explanation(provider, ["app": "^2.0"]) == "Because root depends on app ^2.0 which matches no versions, version solving failed.")
    }

    @Test func consecutiveVersionsCollapseIntoRanges() throws {
        var packages: [String: [String: [String: String]]] = ["lib": ["1.0.0": [:], "2.0.0": [:]]]
        var app: [String: [String: String]] = [:]
        for minor in 0..<12 { app["1.\(minor).0"] = ["lib": "^2.0"] }
        for minor in 12..<20 { app["1.\(minor).0"] = ["lib": "^3.0"] }
        packages["app"] = app
        let provider = try registry(packages)
        let text = try explanation(provider, ["app": "^1.0", "lib": "^1.0"])
        #expect(text == """
            Because app >=1.12.0 depends on lib ^3.0 which matches no versions and app <1.12.0 depends on lib ^2.0, every version of app requires lib ^2.0.
            So, because root depends on both app ^1.0 and lib ^1.0, version solving failed.
            """)
    }

    @Test func explanationIsAvailableAsLines() throws {
        let provider = try registry(["app": ["1.0.0": [:]]])
        let root = try requirements(["app": "^2.0"])
        do {
            _ = try Resolver(provider: provider, rootName: "manifest lobby-camera").resolve(root)
            Issue.record("resolved")
        } catch {
            #expect(error.explanation?.lines == ["Because manifest lobby-camera depends on app ^2.0 which matches no versions, version solving failed."])
        }
    }
}
