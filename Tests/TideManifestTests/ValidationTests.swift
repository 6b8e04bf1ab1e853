import Testing
import TideManifest

@Suite struct ValidationTests {
    private func problems(_ text: String, fileName: String = "manifest.yaml") -> [String] {
        do {
            _ = try ManifestParser.parse(text, fileName: fileName)
            return []
        } catch {
            return error.lines
        }
    }

    private let header = """
        name: lobby-camera
        steps:
          - name: capture
            module: camera-capture@^1.0
            function: capture

        """

    @Test func idempotentTakesTrueOrFalse() {
        let text = header.replacingOccurrences(of: "function: capture\n", with: "function: capture\n    idempotent: sometimes\n")
        #expect(problems(text) == ["manifest.yaml line 6: steps[0].idempotent: \"sometimes\" is not true or false"])
    }

    @Test func stateTakesKeepNoneOrAMapping() {
        func with(_ state: String) -> [String] {
            problems(header.replacingOccurrences(of: "function: capture\n", with: "function: capture\n    state: \(state)\n"))
        }
        #expect(with("forever") == ["manifest.yaml line 6: steps[0].state: \"forever\" is not a state; use keep, none or {keep: true, checkpoint: 10s}"])
        #expect(with("{keep: true, checkpoint: 200ms}") == ["manifest.yaml line 6: steps[0].state.checkpoint: a checkpoint interval is at least 1s"])
        #expect(with("{keep: true, checkpoint: often}") == [
            "manifest.yaml line 6: steps[0].state.checkpoint: \"often\" is not a duration; use e.g. 10s, 500ms or 2m (at most a day)"
        ])
        #expect(with("{keep: false, checkpoint: 10s}") == ["manifest.yaml line 6: steps[0].state.checkpoint: checkpoints need keep: true"])
        #expect(with("{kept: true}") == [
            "manifest.yaml line 6: steps[0].state: unknown field \"kept\"; allowed fields: keep, checkpoint"
        ])
    }

    @Test func sizeThatIsNotASize() {
        let text = header + """
              - name: classify
                module: classifier@~1.0
                function: classify
                input: capture
                require:
                  labels: { tier: compute }
                  memory: 256M
            """
        #expect(problems(text) == [
            "manifest.yaml line 12: steps[1].require.memory: \"256M\" is not a size; use e.g. 256MiB or 268435456",
        ])
    }

    @Test func unknownFieldsListTheAllowedOnes() {
        let text = """
            name: a
            replicas: 3
            steps:
              - name: s
                module: fibo
                function: fibo
                requires: { memory: 1MiB }
                prefer: { close-to: s }
            """
        #expect(problems(text) == [
            "manifest.yaml line 2: unknown field \"replicas\"; allowed fields: name, steps, on-failure, update",
            "manifest.yaml line 7: steps[0]: unknown field \"requires\"; allowed fields: name, module, function, input, require, prefer, on-failure, idempotent, state",
            "manifest.yaml line 8: steps[0].prefer: unknown field \"close-to\"; allowed fields: near, labels, spread, weight",
        ])
    }

    @Test func stepNamesAreUniqueAndInputsNameEarlierSteps() {
        let text = header + """
              - name: capture
                module: sink
                function: push
              - name: store
                module: sink
                function: push
                input: [capture, later]
              - name: later
                module: sink
                function: push
                input: later
            """
        #expect(problems(text) == [
            "manifest.yaml line 6: steps[1].name: \"capture\" is already the name of steps[0]",
            "manifest.yaml line 12: steps[2].input[1]: \"later\" is not an earlier step (steps before it: capture)",
            "manifest.yaml line 16: steps[3].input: \"later\" is not an earlier step (steps before it: capture, store)",
        ])
    }

    @Test func nearMustNameAnotherStep() {
        let text = header + """
              - name: store
                module: sink
                function: push
                prefer: { near: [capture, ghost, store] }
            """
        #expect(problems(text) == [
            "manifest.yaml line 9: steps[1].prefer.near[1]: \"ghost\" is not a step of this manifest",
            "manifest.yaml line 9: steps[1].prefer.near[2]: a step cannot be near itself",
        ])
    }

    @Test func rangesNamesAndDevices() {
        let text = """
            name: Lobby
            steps:
              - name: 1st
                module: camera-capture@^x
                function: capture
                require: { device: "dev a", avoid: [ok, "bad/id"] }
              - name: two
                module: Camera
                function: capture
            """
        #expect(problems(text) == [
            "manifest.yaml line 1: name: \"Lobby\" is not a valid name; use 1-63 lowercase letters, digits and \"-\", starting with a letter",
            "manifest.yaml line 3: steps[0].name: \"1st\" is not a valid name; use 1-63 lowercase letters, digits and \"-\", starting with a letter",
            "manifest.yaml line 4: steps[0].module: invalid version range \"^x\": \"^x\": expected a version after \"^\"; write package@range, e.g. camera-capture@^1.0",
            "manifest.yaml line 6: steps[0].require.device: \"dev a\" is not a device id; use 1-128 letters, digits, \"-\", \"_\" or \".\"",
            "manifest.yaml line 6: steps[0].require.avoid[1]: \"bad/id\" is not a device id; use 1-128 letters, digits, \"-\", \"_\" or \".\"",
            "manifest.yaml line 8: steps[1].module: \"Camera\" is not a package name; write package@range, e.g. camera-capture@^1.0",
        ])
    }

    @Test func labelsAreStringMaps() {
        let text = """
            name: a
            steps:
              - name: s
                module: fibo
                function: fibo
                require:
                  labels: [zone, lobby]
                prefer:
                  labels: { zone: [a, b] }
            """
        #expect(problems(text) == [
            "manifest.yaml line 7: steps[0].require.labels: expected a mapping of names to text, such as {zone: lobby}, found a list",
            "manifest.yaml line 9: steps[0].prefer.labels.zone: expected text, found a list",
        ])
    }

    @Test func requiredFieldsAndEmptySteps() {
        #expect(problems("name: a\nsteps: []\n") == ["manifest.yaml line 2: steps: at least one step is required"])
        #expect(problems("steps:\n  - name: s\n    module: fibo\n") == [
            "manifest.yaml line 1: name: required field is missing",
            "manifest.yaml line 2: steps[0].function: required field is missing",
        ])
        #expect(problems("name: a\nsteps:\n  - name:\n    module: fibo\n    function: fibo\n") == [
            "manifest.yaml line 3: steps[0].name: a value is required",
        ])
    }

    @Test func preferencesAndPolicies() {
        let text = """
            name: a
            steps:
              - name: s
                module: fibo
                function: fibo
                prefer: { spread: maybe, weight: -1 }
                on-failure: stay
                require: { capabilities: [camera] }
            on-failure: { fallback: [] }
            """
        #expect(problems(text) == [
            "manifest.yaml line 6: steps[0].prefer.spread: \"maybe\" is not true or false",
            "manifest.yaml line 6: steps[0].prefer.weight: \"-1\" is not a weight; use a number above 0 and at most 100, e.g. 2",
            "manifest.yaml line 7: steps[0].on-failure: \"stay\" is not a failure policy; use move or {fallback: [device, ...]}",
            "manifest.yaml line 8: steps[0].require.capabilities[0]: \"camera\" is not a capability; write module.name, e.g. camera.take_image",
            "manifest.yaml line 9: on-failure.fallback: list at least one device",
        ])
    }

    @Test func duplicateKeysSyntaxErrorsAndEmptyFiles() {
        #expect(problems("name: a\nname: b\nsteps: [{name: s, module: fibo, function: f}]\n") == [
            "manifest.yaml line 2: \"name\" appears twice (first on line 1)",
        ])
        #expect(problems("name: a\nsteps: [\n") == ["manifest.yaml line 3: not valid YAML: did not find expected node content"])
        #expect(problems("") == ["manifest.yaml the manifest is empty; it needs a name and at least one step"])
        #expect(problems("- a\n") == [
            "manifest.yaml line 1: expected a mapping with fields name, steps, on-failure, update, found a list",
        ])
    }

    @Test func jsonErrorsCarryLinesToo() {
        let text = """
            {
              "name": "j",
              "steps": [
                {"name": "s", "module": "fibo", "function": "fibo", "require": {"memory": "lots"}}
              ]
            }
            """
        #expect(problems(text, fileName: "manifest.json") == [
            "manifest.json line 4: steps[0].require.memory: \"lots\" is not a size; use e.g. 256MiB or 268435456",
        ])
    }

    @Test func deepNestingIsRefusedWithTheLimit() {
        let deepJSON = "{\"name\": \"deep\", \"steps\": " + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "}"
        let refusal = "lists and mappings nest deeper than 64 levels; the document is refused before it is read"
        #expect(problems(deepJSON, fileName: "deep.json") == ["deep.json line 1: " + refusal])
        let deepLabels = String(repeating: "{a: ", count: 100_000) + "x" + String(repeating: "}", count: 100_000)
        #expect(problems(header + "    require: {labels: " + deepLabels + "}\n") == ["manifest.yaml line 6: " + refusal])
        let deepWasmiot = "{\"name\": \"w\", \"sequence\": " + String(repeating: "[", count: 100_000) + "}"
        #expect(problems(deepWasmiot) == ["manifest.yaml line 1: " + refusal])
    }
}
