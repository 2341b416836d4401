import Foundation
import Shared

/// Builds the handlers this worker runs (`ROOST_WORKER_KINDS`, default every kind), loading each model once and sharing it between the kinds that use it
/// (`classify` and `birds` share MobileNetV2; `faces` and `birds` share YuNet). A kind whose model
/// cannot load stops the worker at start-up with a clear message: a worker that took such jobs
/// could only fail them.
enum HandlerRegistry {
    /// The handlers for the configured kinds.
    static func load(configuration: WorkerConfiguration, log: Log) -> [any JobHandler] {
        let models = ModelShelf(configuration: configuration, log: log)
        var handlers: [any JobHandler] = []
        for name in configuration.kinds {
            switch JobKind(rawValue: name) {
            case .probe: handlers.append(ProbeHandler(maxPixels: configuration.maxImagePixels))
            case .noop: handlers.append(NoopHandler())
            case .sizes: handlers.append(SizesHandler(maxPixels: configuration.maxImagePixels))
            case .sleep: handlers.append(SleepHandler())
            case .classify:
                let (classifier, fingerprint) = models.classifier()
                handlers.append(ClassifyHandler(classifier: classifier, maxPixels: configuration.maxImagePixels,
                                                resultVersion: "classify/1 \(fingerprint)"))
            case .faces:
                let (analyzer, fingerprint) = models.faceAnalyzer()
                handlers.append(FacesHandler(analyzer: analyzer, resultVersion: "faces/1 \(fingerprint)"))
            case .birds:
                let (classifier, classifierPrint) = models.classifier()
                let (analyzer, facesPrint) = models.faceAnalyzer()
                handlers.append(BirdsHandler(classifier: classifier, faces: analyzer, maxPixels: configuration.maxImagePixels,
                                             resultVersion: "birds/1 \(classifierPrint) \(facesPrint)"))
            case .pet:
                let (localiser, fingerprint) = models.localiser()
                handlers.append(PetHandler(localiser: localiser, maxPixels: configuration.maxImagePixels,
                                           resultVersion: "pet/1 side\(PetHandler.analysisSide) \(fingerprint)"))
            case .audio:
                guard let (analyzer, fingerprint) = models.birdSound() else { continue }
                handlers.append(AudioHandler(analyzer: analyzer, resultVersion: "audio/1 \(fingerprint)"))
            default:
                Environment.fatal("ROOST_WORKER_KINDS names unknown kind '\(name)'")
            }
        }
        return handlers
    }
}

/// Loads each model at most once per process and fingerprints its files (the first 16 hex digits
/// of their SHA-256), so a result can name exactly what computed it.
final class ModelShelf {
    private let configuration: WorkerConfiguration
    private let log: Log
    private var loadedClassifier: (ImageClassifier, String)?
    private var loadedAnalyzer: (FaceAnalyzer, String)?
    private var loadedBirdSound: (BirdSoundAnalyzer, String)?
    private var loadedLocaliser: (AnimalLocaliser, String)?

    /// A shelf reading from `configuration.modelsDirectory`.
    init(configuration: WorkerConfiguration, log: Log) {
        self.configuration = configuration
        self.log = log
    }

    /// MobileNetV2 and its fingerprint; stops the worker when it cannot load.
    func classifier() -> (ImageClassifier, String) {
        if let loadedClassifier { return loadedClassifier }
        let loaded = load(model: ImageClassifier.modelName, what: "the classification model", kinds: "'classify' and 'birds'",
                          files: { _ in [ImageClassifier.modelFile, ImageClassifier.labelsFile] }) { [configuration] in
            try ImageClassifier(modelsDirectory: configuration.modelsDirectory, threads: 1)
        }
        loadedClassifier = loaded
        return loaded
    }

    /// YuNet + SFace and their fingerprint; stops the worker when they cannot load.
    func faceAnalyzer() -> (FaceAnalyzer, String) {
        if let loadedAnalyzer { return loadedAnalyzer }
        let loaded = load(model: "yunet 2023mar int8bq + sface 2021dec int8bq", what: "the face models", kinds: "'faces' and 'birds'",
                          files: { _ in [FaceDetector.modelFile, FaceEmbedder.modelFile] },
                          suffix: " side\(configuration.faceMaxSide)") { [configuration] in
            try FaceAnalyzer(modelsDirectory: configuration.modelsDirectory, threads: 1,
                             maxPixels: configuration.maxImagePixels, maxSide: configuration.faceMaxSide)
        }
        loadedAnalyzer = loaded
        return loaded
    }

    /// The pet localiser (MobileNetV2 in dense form) and its fingerprint; stops the worker when it cannot load.
    func localiser() -> (AnimalLocaliser, String) {
        if let loadedLocaliser { return loadedLocaliser }
        let loaded = load(model: AnimalLocaliser.method, what: "the pet localiser", kinds: "'pet'",
                          files: { _ in [ImageClassifier.modelFile] }) { [configuration] in
            try AnimalLocaliser(modelsDirectory: configuration.modelsDirectory, threads: 1)
        }
        loadedLocaliser = loaded
        return loaded
    }

    /// BirdNET and its fingerprint. When its files are missing (they are licensed CC BY-NC-SA and
    /// a deployment may leave them out) the `audio` kind is skipped with a warning, unless
    /// `ROOST_WORKER_KINDS` names it, which stops the worker.
    func birdSound() -> (BirdSoundAnalyzer, String)? {
        if let loadedBirdSound { return loadedBirdSound }
        let file = configuration.modelsDirectory.appendingPathComponent(BirdSoundAnalyzer.modelFile)
        if !configuration.kindsExplicit && !FileManager.default.fileExists(atPath: file.path) {
            log.warning("audio jobs disabled: BirdNET is not installed", [("missing", .string(file.path)), ("fix", .string("make models"))])
            return nil
        }
        // The prior changes located results, so its files are part of what the result cache keys on.
        let loaded = load(model: BirdSoundAnalyzer.modelName, what: "BirdNET", kinds: "'audio'", files: { $0.files }) { [configuration] in
            try BirdSoundAnalyzer(modelsDirectory: configuration.modelsDirectory, maxSeconds: configuration.maxAudioSeconds)
        }
        loadedBirdSound = loaded
        return loaded
    }

    /// Loads one model with `make`, fingerprints its `files` (+ `suffix`) and logs the load time;
    /// stops the worker with a message naming `what` and the `kinds` to leave out when it cannot load.
    private func load<Model>(model name: String, what: String, kinds: String, files: (Model) -> [String],
                             suffix: String = "", _ make: () throws -> Model) -> (Model, String) {
        do {
            let started = Clock.now()
            let model = try make()
            let loaded = (model, try fingerprint(files(model)) + suffix)
            log.info("model loaded", [("model", .string(name)), ("fingerprint", .string(loaded.1)),
                                      ("load_ms", .int(Int((Clock.now() - started) * 1000)))])
            return loaded
        } catch {
            Environment.fatal("cannot load \(what) from \(configuration.modelsDirectory.path) (\(error)); run `make models` or leave \(kinds) out of ROOST_WORKER_KINDS")
        }
    }

    /// The first 16 hex digits of the SHA-256 of `files` (in the models directory) read in order.
    private func fingerprint(_ files: [String]) throws -> String {
        var bytes: [UInt8] = []
        for file in files {
            bytes += Array(try Data(contentsOf: configuration.modelsDirectory.appendingPathComponent(file)))
        }
        return String(SHA256.hexDigest(bytes).prefix(16))
    }
}
