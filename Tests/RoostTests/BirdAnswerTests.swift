import Foundation
import Testing
@testable import Shared
@testable import Gateway

/// The bird API's response body and the result cache's key, without a cluster.
@Suite struct BirdAnswerTests {
    private func result(_ shows: String, _ label: String, _ probability: Double) -> BirdsResult {
        BirdsResult(mode: .checked, shows: shows, label: label, probability: probability, classIndex: nil,
                    birdProbability: 0, faces: nil, method: "", model: "", inferenceMs: 0)
    }

    @Test func namesScoresAndLinksFollowTheRealService() {
        let bird = BirdAnswer(result("bird", "great grey owl", 0.954349))
        #expect(bird.name == "great-grey-owl")
        #expect(bird.score == 95.43)
        #expect(bird.learnMoreLink == "https://www.google.com/search?q=great+grey+owl+bird")
        #expect(BirdAnswer(result("bird", "sulphur-crested cockatoo", 0.5)).learnMoreLink
            == "https://www.google.com/search?q=sulphur-crested+cockatoo+bird")
        let dog = BirdAnswer(result("dog", "dog", 0.88888))
        #expect(dog.name == "dog" && dog.score == 88.89 && dog.learnMoreLink == "")
        #expect(BirdAnswer(result("other", "African grey", 1)).name == "african-grey")
        #expect(BirdAnswer(result("bird", "x", 1)).json(now: 0).objectValue?.map(\.0) == ["Timestamp", "Name", "Score", "LearnMoreLink"])
    }

    @Test func timestampsAreDotNetLocalTimeWithTheOffset() {
        setenv("TZ", "UTC0", 1); tzset()
        #expect(BirdAnswer.localTimestamp(1_764_754_872.1234567) == "2025-12-03T09:41:12.1234567+00:00")
        setenv("TZ", "IST-5:30", 1); tzset()
        #expect(BirdAnswer.localTimestamp(0) == "1970-01-01T05:30:00.0000000+05:30")
        setenv("TZ", "EST5", 1); tzset()
        #expect(BirdAnswer.localTimestamp(0) == "1969-12-31T19:00:00.0000000-05:00")
        unsetenv("TZ"); tzset()
    }

    @Test func versionsMapToModes() throws {
        #expect(try BirdRoutes.classifyMode(version: nil) == .species)
        #expect(try BirdRoutes.classifyMode(version: "") == .species)
        #expect(try BirdRoutes.classifyMode(version: "1") == .species)
        #expect(try BirdRoutes.classifyMode(version: "2") == .checked)
        for bad in ["3", "v2", "1.0", "2x"] {
            #expect(throws: HTTPError.self) { try BirdRoutes.classifyMode(version: bad) }
        }
    }

    @Test func equalParamsKeyAlikeWhateverTheirOrder() {
        let a: JSON = ["mode": "checked", "extra": ["b": 1, "a": [["y": 2, "x": 1]]]]
        let b: JSON = .object([("extra", .object([("a", .array([.object([("x", 1), ("y", 2)])])), ("b", 1)])), ("mode", "checked")])
        #expect(ResultCache.canonical(a).serialized() == ResultCache.canonical(b).serialized())
        #expect(ResultCache.canonical(a).serialized() != ResultCache.canonical(["mode": "persona"]).serialized())
    }
}
