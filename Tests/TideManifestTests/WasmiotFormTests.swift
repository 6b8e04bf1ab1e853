import Testing
import TideManifest
import TideModel

@Suite struct WasmiotFormTests {
    @Test func sequenceBecomesAPipeline() throws {
        let manifest = try ManifestParser.parse("""
            {
              "name": "Camera Pipeline #2",
              "sequence": [
                {"device": "dev-cam", "module": "camera-capture", "func": "capture"},
                {"device": null, "module": "classifier", "func": "classify"},
                {"device": null, "module": "classifier@^1.0", "func": "score"}
              ]
            }
            """, fileName: "deployment.json")
        #expect(manifest.name == "camera-pipeline-2")
        #expect(manifest.steps.map(\.name) == ["camera-capture", "classifier", "classifier-2"])
        #expect(manifest.steps.map(\.function) == ["capture", "classify", "score"])
        #expect(manifest.steps.map(\.inputs) == [[], ["camera-capture"], ["classifier"]])
        #expect(manifest.steps[0].require.device == DeviceID("dev-cam"))
        #expect(manifest.steps[1].require == StepConstraints())
        #expect(manifest.steps[2].versionRange == (try VersionRange(parsing: "^1.0")))
        #expect(manifest.onFailure == .move)
    }

    @Test func namesStartingWithADigitGetAPrefix() throws {
        let manifest = try ManifestParser.parse(#"{"name": "42", "sequence": [{"device": null, "module": "fibo", "func": "fibo"}]}"#)
        #expect(manifest.name == "d-42")
    }

    @Test func errorsNameTheSequenceEntry() {
        do {
            _ = try ManifestParser.parse("""
                {"name": "x",
                 "sequence": [
                   {"device": null, "module": "fibo"},
                   {"device": null, "module": "fibo", "func": "fibo", "extra": 1}
                 ]}
                """, fileName: "deployment.json")
            Issue.record("expected an error")
        } catch {
            #expect(error.lines == [
                "deployment.json line 3: sequence[0].func: required field is missing",
                "deployment.json line 4: sequence[1]: unknown field \"extra\"; allowed fields: device, module, func",
            ])
        }
    }
}
