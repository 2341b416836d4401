import Foundation
import Testing
@testable import Shared
@testable import Worker

/// The face analyzer and OpenCV reference files the face tests share, made once per run.
///
/// References come from scripts/reference_faces.py (OpenCV 4.14's FaceDetectorYN and
/// FaceRecognizerSF on the same photos and model files). When they are missing this runs the
/// script with the verification venv's python; without the venv it fails with the command:
///
///     "$(scripts/venv.sh)" scripts/reference_faces.py
enum FaceFixture {
    /// Photos with reference outputs (faces or, for eagle/dog/kite/person, none). The last four
    /// are made by the script (`derived`).
    static let photos = ["grace_hopper_512x512", "messi5", "person", "astronaut", "eagle", "kite", "dog"] + derived
    /// Photos scripts/reference_faces.py derives from fixtures: messi5 enlarged 2.5× (1370×855,
    /// detected at its own size), grace_hopper stored rotated with EXIF orientation 6, a
    /// 1280×886 group photo of six faces 26–70 px wide, and messi5 enlarged 4× (2192×1368, above
    /// the 1920 px cap: shrunk, and faces scaled back).
    static let derived = ["messi5_large", "grace_hopper_orient6", "group_1280x886", "messi5_huge"]

    /// The repository root, from this file's location.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static let loaded: Result<FaceAnalyzer, Error> = Result {
        let models = root.appendingPathComponent("models")
        for file in [FaceDetector.modelFile, FaceEmbedder.modelFile]
        where !FileManager.default.fileExists(atPath: models.appendingPathComponent(file).path) {
            throw SetupError(description: "models/\(file) is missing: run scripts/fetch-models.sh")
        }
        return try FaceAnalyzer(modelsDirectory: models, threads: 1)
    }

    /// The shared analyzer over `models/`.
    static func analyzer() throws -> FaceAnalyzer { try loaded.get() }

    private static let referenceFolder: Result<URL, Error> = Result {
        // Named after the detector's size cap (ROOST_FACE_MAX_SIDE's default).
        let folder = root.appendingPathComponent(".cache/reference/faces-\(FaceAnalyzer.defaultMaxSide)")
        let needed = photos.map { "\($0).json" } + derived.map { "photos/\($0).jpg" }
        if needed.allSatisfy({ FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }) {
            return folder
        }
        let python = root.appendingPathComponent(".venv-verify/bin/python")
        let command = "\"$(scripts/venv.sh)\" scripts/reference_faces.py"
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw SetupError(description: "face references missing and no .venv-verify: run \(command)")
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let log = folder.appendingPathComponent("reference_faces.log")
        let child = try ChildProcess(executable: python.path,
                                     arguments: [root.appendingPathComponent("scripts/reference_faces.py").path] + photos,
                                     logFile: log)
        guard child.wait(timeout: 300) != nil, child.exitCode == 0 else {
            child.kill(signal: SIGKILL)
            throw SetupError(description: "scripts/reference_faces.py failed (see \(log.path)); run \(command)")
        }
        return folder
    }

    /// The JPEG bytes of `photo`, a fixture or a derived photo (made with the references).
    static func bytes(_ photo: String) throws -> [UInt8] {
        guard derived.contains(photo) else { return try Fixtures.bytes(photo) }
        let url = try referenceFolder.get().appendingPathComponent("photos/\(photo).jpg")
        return [UInt8](try Data(contentsOf: url))
    }

    /// OpenCV's result for `photo`.
    static func reference(_ photo: String) throws -> ReferenceFaces {
        let url = try referenceFolder.get().appendingPathComponent("\(photo).json")
        let json = try JSON.parse(String(decoding: try Data(contentsOf: url), as: UTF8.self))
        return try ReferenceFaces(json)
    }

    /// Why the shared fixtures could not be set up, with the command that fixes it.
    struct SetupError: Error, CustomStringConvertible {
        /// What is missing and what to run.
        let description: String
    }
}

/// One photo's faces as OpenCV found them.
struct ReferenceFaces {
    /// One face: box [x, y, w, h], score, five [x, y] landmarks, unit-length embedding.
    struct Face {
        let box: [Double]
        let score: Double
        let landmarks: [[Double]]
        let embedding: [Float]
    }

    let width: Int
    let height: Int
    let faces: [Face]

    init(_ json: JSON) throws {
        func numbers(_ value: JSON?) -> [Double] { value?.arrayValue?.compactMap(\.doubleValue) ?? [] }
        width = json["width"]?.intValue ?? 0
        height = json["height"]?.intValue ?? 0
        faces = (json["faces"]?.arrayValue ?? []).map { face in
            Face(box: numbers(face["box"]), score: face["score"]?.doubleValue ?? 0,
                 landmarks: (face["landmarks"]?.arrayValue ?? []).map { numbers($0) },
                 embedding: numbers(face["embedding"]).map(Float.init))
        }
    }
}

extension RunningJob {
    /// A `faces` job over `blob` with `params`, as the processor would hand it to a handler.
    static func facesJob(blob: [UInt8]?, params: JSON = .object([])) -> RunningJob {
        RunningJob(delivery: Delivery(lane: .interactive, kind: .faces, messageID: "0-1", jobID: "face-test"),
                   kind: "faces", params: params, attempt: 1, blob: blob, startedAt: 0)
    }
}
