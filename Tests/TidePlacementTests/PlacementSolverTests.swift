import Testing
import TideModel
import TidePlacement

@Suite struct SolverTests {
    @Test func unplaceableStepSummarizesReasonsByCount() {
        var devices = (1...4).map { device("plain-\($0)") }
        devices += [device("dead-1", .dead, interfaces: ["take_image"]), device("dead-2", .dead)]
        devices.append(device("tiny", interfaces: ["take_image"], memory: 64 * mib))
        let capture = request([step("capture", capabilities: ["camera.take_image"], memory: 256 * mib)])
        #expect(throws: PlacementError.self) { try PlacementSolver().solve(capture, fleet: fleet(devices)) }
        do {
            _ = try PlacementSolver().solve(capture, fleet: fleet(devices))
        } catch {
            #expect(error.description
                == "step capture cannot be placed: 4 devices lack camera.take_image, 2 are dead, 1 has 64 MiB < 256 MiB")
        }
    }

    @Test func everyUnplaceableStepIsNamedAndAnEmptyFleetSaysSo() {
        let two = request([step("a", capabilities: ["x.y"]), step("b"), step("c", require: StepConstraints(labels: ["k": "v"]))])
        do {
            _ = try PlacementSolver().solve(two, fleet: fleet([device("d")]))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == """
                step a cannot be placed: 1 device lacks x.y
                step c cannot be placed: 1 device lacks label k=v
                """)
        }
        do {
            _ = try PlacementSolver().solve(two, fleet: fleet([]))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("step a cannot be placed: the fleet has no devices"))
        }
    }

    @Test func invalidRequests() {
        let unknownInput = request([step("a", inputs: ["ghost"])])
        #expect(throws: PlacementError.invalidRequest("step a takes input from ghost, which is not a step")) {
            try PlacementSolver().solve(unknownInput, fleet: fleet([device("d")]))
        }
        let twice = request([step("a"), step("a")])
        #expect(throws: PlacementError.invalidRequest("step a appears twice")) {
            try PlacementSolver().solve(twice, fleet: fleet([device("d")]))
        }
    }

    @Test func rejectionsListEveryRejectedDeviceWithItsFirstFailingFilter() throws {
        let devices = fleet([device("dead", .dead, memory: 1), device("ok"), device("small", memory: 1)])
        let plan = try PlacementSolver().solve(request([step("s", memory: mib)]), fleet: devices)
        #expect(plan.steps[0].device == DeviceID("ok"))
        #expect(plan.steps[0].rejected.map(\.description) == ["dead: is dead", "small: has 1 B < 1 MiB"])
        let quiet = PlacementSolver(options: PlacementOptions(recordRejections: false))
        #expect(try quiet.solve(request([step("s", memory: mib)]), fleet: devices).steps[0].rejected.isEmpty)
    }

    @Test func wholePipelineBeatsGreedyWhenTheFirstStepsBestDeviceIsADeadEnd() throws {
        let devices = fleet([
            device("fast", cpu: 0),
            device("sensor", interfaces: ["read_temperature"], cpu: 0.5),
        ])
        let pipeline = request([step("read"), step("average", inputs: ["read"], capabilities: ["sensor.read_temperature"])])
        let greedy = try PlacementSolver().solveGreedily(pipeline, fleet: devices)
        let joint = try PlacementSolver().solve(pipeline, fleet: devices)
        #expect(greedy.assignments.map(\.device.rawValue) == ["fast", "sensor"])
        #expect(joint.assignments.map(\.device.rawValue) == ["sensor", "sensor"])
        #expect(joint.method == "exact")
        #expect(abs(greedy.totalScore - 2.5) < 1e-9)
        #expect(abs(joint.totalScore - 4.0) < 1e-9)
    }

    @Test func fanInAndFanOut() throws {
        let dag = request([
            step("left", capabilities: ["camera.take_image"]),
            step("right", capabilities: ["sensor.read_temperature"]),
            step("join", inputs: ["left", "right"]),
            step("out-a", inputs: ["join"]),
            step("out-b", inputs: ["join"]),
        ])
        let devices = fleet([
            device("cam", interfaces: ["take_image"]),
            device("therm", interfaces: ["read_temperature"], cpu: 0.5),
            device("hub"),
        ])
        let plan = try PlacementSolver().solve(dag, fleet: devices)
        #expect(plan.assignments.map(\.device.rawValue) == ["cam", "therm", "cam", "cam", "cam"])
        let join = try #require(plan.steps.first { $0.step == "join" })
        #expect(join.breakdown.last?.explanation == "with left; apart from right on therm")
    }

    @Test func pinnedAndAvoidedDevices() throws {
        let devices = fleet([device("a"), device("b", cpu: 0.9), device("c")])
        let plan = try PlacementSolver().solve(
            request([
                step("one", require: StepConstraints(device: DeviceID("b"))),
                step("two", inputs: ["one"], require: StepConstraints(avoid: [DeviceID("b")])),
            ]), fleet: devices)
        #expect(plan.assignments.map(\.device.rawValue) == ["b", "a"])
    }

    @Test func fallbackPolicyPrefersTheListedDevicesInOrder() throws {
        let devices = fleet([device("a"), device("b"), device("c")])
        let plan = try PlacementSolver().solve(
            request([step("s", policy: .fallback([DeviceID("c"), DeviceID("b")]))]), fleet: devices)
        #expect(plan.steps[0].device == DeviceID("c"))
    }

    @Test func loadSpreadsAcrossDeploymentsWhenPlansAreRecorded() throws {
        var devices = fleet([device("a"), device("b"), device("c")])
        var chosen: [String] = []
        for index in 0..<3 {
            let plan = try PlacementSolver().solve(request([step("s")], deployment: "d\(index)"), fleet: devices)
            devices.record(plan)
            chosen.append(plan.steps[0].device.rawValue)
        }
        #expect(chosen == ["a", "b", "c"])
    }

    @Test func sameResultRegardlessOfDeviceOrder() throws {
        let devices = [
            device("d3", interfaces: ["take_image"], labels: ["zone": "a"]), device("d1", labels: ["zone": "a", "t": "x"]),
            device("d2", interfaces: ["take_image"], labels: ["t": "x"]), device("d0"),
        ]
        let pipeline = request([
            step("a", capabilities: ["camera.take_image"]),
            step("b", prefer: StepPreferences(labels: ["t": "x", "zone": "a"], spread: true)),
        ])
        let first = try PlacementSolver().solve(pipeline, fleet: fleet(devices))
        #expect(try PlacementSolver().solve(pipeline, fleet: fleet(devices)) == first)
        #expect(try PlacementSolver().solve(pipeline, fleet: fleet(devices.reversed())) == first)
    }

    @Test func replanKeepsUnaffectedStepsAndMovesTheOthers() throws {
        let healthy = [device("a"), device("b", cpu: 0.1), device("c", cpu: 0.2)]
        let pipeline = request([
            step("one"), step("two", prefer: StepPreferences(spread: true)),
            step("three", prefer: StepPreferences(spread: true)),
        ])
        let solver = PlacementSolver()
        let before = try solver.solve(pipeline, fleet: fleet(healthy))
        let devices = before.assignments.map(\.device.rawValue)
        #expect(Set(devices).count == 3)
        let victim = devices[1]
        var changed = healthy
        for index in changed.indices where changed[index].id.rawValue == victim { changed[index].status = .dead }
        #expect(solver.affectedSteps(pipeline, fleet: fleet(changed), current: before) == ["two"])
        let after = try solver.replan(pipeline, fleet: fleet(changed), current: before)
        #expect(after.steps[0].device == before.steps[0].device && after.steps[0].kept)
        #expect(after.steps[2].device == before.steps[2].device && after.steps[2].kept)
        #expect(after.steps[1].device.rawValue != victim && !after.steps[1].kept)
    }

    @Test func suspectDevicesKeepTheirWorkButGetNoNewWork() throws {
        let pipeline = request([step("one")])
        let solver = PlacementSolver()
        let before = try solver.solve(pipeline, fleet: fleet([device("a"), device("b", cpu: 0.5)]))
        #expect(before.steps[0].device == DeviceID("a"))
        let shaky = fleet([device("a", .suspect), device("b", cpu: 0.5)])
        #expect(try solver.replan(pipeline, fleet: shaky, current: before).steps[0].device == DeviceID("a"))
        #expect(try solver.solve(pipeline, fleet: shaky, current: before).steps[0].device == DeviceID("b"))
    }

    @Test func rejectionsAreListedUpToTheCapWithTheTotal() throws {
        let devices = (0..<60).map { device(String(format: "d%02d", $0)) }
        let pinned = request([step("s", require: StepConstraints(device: DeviceID("d07")))])
        let plan = try PlacementSolver().solve(pinned, fleet: fleet(devices))
        #expect(plan.steps[0].device == DeviceID("d07"))
        #expect(plan.steps[0].rejected.count == 20)
        #expect(plan.steps[0].rejectedCount == 59)
        let few = try PlacementSolver().solve(pinned, fleet: fleet(Array(devices.prefix(10))))
        #expect(few.steps[0].rejected.count == 9 && few.steps[0].rejectedCount == nil)
    }

    @Test func aDampedDeviceKeepsItsStepOnReplan() throws {
        let pipeline = request([step("one")])
        let solver = PlacementSolver()
        let before = try solver.solve(pipeline, fleet: fleet([device("a"), device("b", cpu: 0.5)]))
        let flapping = fleet([device("a", damped: true), device("b", cpu: 0.5)])
        #expect(solver.affectedSteps(pipeline, fleet: flapping, current: before).isEmpty)
        #expect(try solver.replan(pipeline, fleet: flapping, current: before).steps[0].device == DeviceID("a"))
        #expect(try solver.solve(pipeline, fleet: flapping).steps[0].device == DeviceID("b"))
    }

    @Test func stickinessKeepsAStepWhereItRunsWhenScoresAreClose() throws {
        let pipeline = request([step("one")])
        let before = PlacementPlan(
            deployment: "demo", steps: [StepPlacement(step: "one", device: DeviceID("b"), score: 0, breakdown: [], rejected: [])],
            method: "exact")
        let plan = try PlacementSolver().solve(pipeline, fleet: fleet([device("a"), device("b", cpu: 0.3)]), current: before)
        #expect(plan.steps[0].device == DeviceID("b"))
        #expect(plan.steps[0].breakdown.first { $0.scorer == "stickiness" }?.explanation == "stays on b")
    }

    @Test func longPipelinesUseBeamSearchAndStillBeatGreedy() throws {
        let steps = (0..<12).map { step("s\($0)", inputs: $0 == 0 ? [] : ["s\($0 - 1)"]) }
        let devices = fleet((0..<6).map { device("d\($0)", cpu: Double($0) / 10) })
        let plan = try PlacementSolver().solve(request(steps), fleet: devices)
        #expect(plan.method == "beam")
        #expect(plan.totalScore >= (try PlacementSolver().solveGreedily(request(steps), fleet: devices)).totalScore - 1e-9)
    }
}
