import Foundation
import Shared

/// Builds the handlers this worker runs (`ROOST_WORKER_KINDS`, default `probe,classify,faces,noop`),
/// loading each model once. A kind whose model cannot load stops the worker at start-up with a
/// clear message: a worker that took such jobs could only fail them.
enum HandlerRegistry {
    /// The handlers for the configured kinds.
    static func load(configuration: WorkerConfiguration, log: Log) -> [any JobHandler] {
        var handlers: [any JobHandler] = []
        for name in configuration.kinds {
            switch JobKind(rawValue: name) {
            case .probe: handlers.append(ProbeHandler(maxPixels: configuration.maxImagePixels))
            case .noop: handlers.append(NoopHandler())
            case .sleep: handlers.append(SleepHandler())
            case .classify:
                do {
                    let started = Clock.now()
                    let classifier = try ImageClassifier(modelsDirectory: configuration.modelsDirectory, threads: 1)
                    handlers.append(ClassifyHandler(classifier: classifier, maxPixels: configuration.maxImagePixels))
                    log.info("model loaded", [("kind", .string(JobKind.classify.rawValue)), ("model", .string(ImageClassifier.modelName)),
                                              ("load_ms", .int(Int((Clock.now() - started) * 1000)))])
                } catch {
                    Environment.fatal("cannot load the classification model from \(configuration.modelsDirectory.path) (\(error)); run `make models` or leave 'classify' out of ROOST_WORKER_KINDS")
                }
            case .faces:
                do {
                    let started = Clock.now()
                    let analyzer = try FaceAnalyzer(modelsDirectory: configuration.modelsDirectory, threads: 1,
                                                    maxPixels: configuration.maxImagePixels,
                                                    maxSide: configuration.faceMaxSide)
                    handlers.append(FacesHandler(analyzer: analyzer))
                    log.info("model loaded", [("kind", .string(JobKind.faces.rawValue)), ("model", .string("yunet 2023mar int8bq + sface 2021dec int8bq")),
                                              ("load_ms", .int(Int((Clock.now() - started) * 1000)))])
                } catch {
                    Environment.fatal("cannot load the face models from \(configuration.modelsDirectory.path) (\(error)); run `make models` or leave 'faces' out of ROOST_WORKER_KINDS")
                }
            default:
                Environment.fatal("ROOST_WORKER_KINDS names unknown kind '\(name)'")
            }
        }
        return handlers
    }
}
