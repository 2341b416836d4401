import Foundation
import Testing
@testable import Shared

/// The job contract in Shared/Jobs: results the worker encodes decode into the same type and
/// re-encode to the same bytes; panel results lose only their descriptors.
@Suite("Job contract")
struct JobContractTests {
    static let faces = #"{"faces":[{"box":[182.03,104.01,168.42,214.61],"score":0.9453,"landmarks":[[230.1,190.2],[300.3,190.4],[265.5,230.6],[240.7,270.8],[295.9,270.1]],"embedding":[0.125,-0.5,0.0625]}],"image":{"width":512,"height":512},"detect_ms":7.81,"embed_ms":10.85}"#

    @Test("a faces result decodes into FacesResult and encodes back to the same bytes")
    func facesRoundTrip() throws {
        let result = try #require(FacesResult(text: Self.faces))
        #expect(result.faces.count == 1 && result.width == 512 && result.height == 512)
        #expect(result.faces[0].box == [182.03, 104.01, 168.42, 214.61])
        #expect(result.json.serialized() == Self.faces)
        #expect(FacesParams(json: FacesParams(embedding: true).json) == FacesParams(embedding: true))
        #expect(FacesParams(json: ["embedding": "yes"]) == nil)
        #expect(FacesParams(json: [:]) == FacesParams(embedding: false))
    }

    @Test("a panel result without embeddings keeps every other byte")
    func strippedResult() throws {
        let stripped = try #require(FacesJob.resultWithoutEmbeddings(Self.faces))
        #expect(stripped == Self.faces.replacingOccurrences(of: #","embedding":[0.125,-0.5,0.0625]"#, with: ""))
        #expect(FacesJob.resultWithoutEmbeddings(stripped) == nil, "nothing left to remove")
        #expect(FacesJob.mayHoldEmbeddings(Self.faces))
        #expect(!FacesJob.mayHoldEmbeddings(stripped))
        #expect(!FacesJob.mayHoldEmbeddings("") && !FacesJob.mayHoldEmbeddings(#"{"embed"#))
        #expect(FacesJob.keepsEmbeddingsPrivate(kind: .faces, owner: "panel:admin"))
        #expect(!FacesJob.keepsEmbeddingsPrivate(kind: .faces, owner: "key:abc"))
    }

    @Test("a probe result round-trips with the same bytes")
    func probeRoundTrip() throws {
        let text = #"{"width":773,"height":512,"orientation":1,"components":3,"mean_rgb":[121.5,99.25,80],"decode_ms":2.41}"#
        let result = try #require(ProbeResult(json: try JSON.parse(text)))
        #expect(result.json.serialized() == text)
    }

    @Test("kinds and states are listed once")
    func kindsAndStates() {
        // Every kind has its streams (so `sleep`, a diagnostic kind, is listed too); clients submit only real analyses.
        #expect(JobKind.all.map(\.rawValue) == ["probe", "classify", "faces", "birds", "sizes", "audio", "pet", "noop", "sleep"])
        #expect(JobKind.submittable == [.probe, .classify, .faces, .birds, .audio])
        #expect(JobState.allCases.filter(\.isTerminal).map(\.rawValue) == ["succeeded", "failed", "dead", "cancelled"])
    }

    @Test("a birds result round-trips, and unknown modes are refused")
    func birdsRoundTrip() throws {
        let text = #"{"mode":"checked","shows":"person","label":"person","probability":0.91,"class_index":null,"bird_probability":0.002,"faces":2,"method":"m","model":"x","inference_ms":7.5}"#
        let result = try #require(BirdsResult(json: try JSON.parse(text)))
        #expect(result.json.serialized() == text)
        #expect(BirdsMode(params: .object([])) == .species)
        #expect(BirdsMode(params: BirdsMode.persona.params) == .persona)
        #expect(BirdsMode(params: ["mode": "v3"]) == nil)
        #expect(BirdsMode(params: ["mode": 2]) == nil)
    }
}
