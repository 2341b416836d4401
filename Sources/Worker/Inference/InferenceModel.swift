import Foundation

/// The bytes of the model file at `url`, or `InferenceError.unreadable`.
func modelFileBytes(_ url: URL) throws -> [UInt8] {
    do { return [UInt8](try Data(contentsOf: url)) } catch {
        throw InferenceError.unreadable(url.path, error.localizedDescription)
    }
}

/// A parsed and optimised model: immutable, loaded once per process, shared by all threads.
///
/// Loading decodes the ONNX protobuf, folds weight dequantisation and BatchNormalization into
/// convolutions, fuses activations and packs weights. Example:
/// ```swift
/// let model = try InferenceModel(contentsOf: url)
/// let session = model.makeSession()
/// let logits = try session.run(["input": tensor])["logits"]
/// ```
/// Loading and running are blocking CPU work: call them from a dedicated thread or queue,
/// never from Swift's cooperative pool.
public final class InferenceModel: Sendable {
    let graph: CompiledGraph
    /// Intra-op threads each run uses.
    public let threads: Int

    /// Loads and optimises the ONNX model at `url`.
    /// - Parameters:
    ///   - url: an ONNX file (weights inline, float32 or int8 block-quantised).
    ///   - threads: intra-op threads per run (1 = run on the calling thread only).
    /// - Throws: `InferenceError` when the file is unreadable, corrupt, or uses unsupported operators.
    public convenience init(contentsOf url: URL, threads: Int = 1) throws {
        try self.init(bytes: try modelFileBytes(url), threads: threads)
    }

    /// Loads and optimises a model from its ONNX bytes.
    init(bytes: [UInt8], threads: Int = 1) throws {
        self.threads = max(1, threads)
        let model = try OnnxDecoder.decodeModel(bytes)
        var builder = GraphBuilder(model: model, threads: self.threads)
        graph = try builder.build()
    }

    /// Optimises a model already in ONNX form (e.g. imported from TFLite).
    init(onnx model: OnnxModel, threads: Int = 1) throws {
        self.threads = max(1, threads)
        var builder = GraphBuilder(model: model, threads: self.threads)
        graph = try builder.build()
    }

    /// Names of the runtime inputs (initializers listed as inputs are excluded).
    public var inputNames: [String] { graph.inputs.map(\.name) }
    /// Names of the outputs.
    public var outputNames: [String] { graph.outputs.map(\.name) }
    /// Declared input shapes, nil for symbolic dimensions.
    public var inputShapes: [String: [Int?]] { Dictionary(uniqueKeysWithValues: graph.inputs.map { ($0.name, $0.shape) }) }
    /// Number of runtime operators after fusion (for diagnostics).
    var stepCount: Int { graph.steps.count }

    /// A new session: owns its scratch buffers; one per thread (sessions are not shared between threads).
    public func makeSession() -> InferenceSession { InferenceSession(model: self) }
}

/// Runs a model: owns the activation buffers, planned on first use and reused while input shapes stay the same.
///
/// Not thread-safe: use one session per thread. `run` blocks; keep it off Swift's cooperative pool.
public final class InferenceSession {
    private let model: InferenceModel
    private var plan: ExecutionPlan?
    /// When non-nil, `run` keeps each step's fastest time in milliseconds here (diagnostics for benchmarks).
    var stepTimes: [Double]?
    /// Bytes of activations and scratch planned for the last input shapes (0 before the first run).
    var plannedBytes: Int { plan?.byteCount ?? 0 }

    init(model: InferenceModel) { self.model = model }

    /// Runs the model on `inputs` (by input name) and returns every output by name.
    ///
    /// Buffers are planned on the first run for a set of input shapes and reused while they stay the same.
    /// - Throws: `InferenceError` (`bad_input`) for missing inputs or shapes the graph cannot take.
    public func run(_ inputs: [String: Tensor]) throws -> [String: Tensor] {
        let graph = model.graph
        var shapes: [[Int]] = []
        for input in graph.inputs {
            guard let tensor = inputs[input.name] else { throw InferenceError.badInput("missing input '\(input.name)'") }
            // Only the rank must match the declaration: fixed dimensions are treated as a default
            // (YuNet declares 640×640 but runs at any multiple of 32); the graph's shape rules decide.
            guard tensor.shape.count == input.shape.count || input.shape.isEmpty,
                  tensor.shape.allSatisfy({ $0 > 0 }), tensor.data.count == elementCount(tensor.shape) else {
                throw InferenceError.badInput("input '\(input.name)' has shape \(tensor.shape), model expects \(input.shape.map { $0.map(String.init) ?? "?" })")
            }
            shapes.append(tensor.shape)
        }
        if plan?.inputShapes != shapes {
            plan = nil
            do { plan = try ExecutionPlan(graph: graph, inputShapes: shapes) } catch let error as InferenceError {
                throw InferenceError.badInput("inputs of shape \(shapes) do not fit the model: \(error.message)")
            }
        }
        let plan = plan!
        for input in graph.inputs {
            inputs[input.name]!.data.withUnsafeBufferPointer {
                plan.pointers[input.id]!.update(from: $0.baseAddress!, count: $0.count)
            }
        }
        if var profile = stepTimes {
            // Diagnostics only: per-step wall time, the minimum across runs (robust to a busy machine).
            if profile.count != graph.steps.count { profile = [Double](repeating: .infinity, count: graph.steps.count) }
            for (index, (step, call)) in zip(graph.steps, plan.calls).enumerated() {
                let start = DispatchTime.now().uptimeNanoseconds
                step.op.run(call)
                profile[index] = min(profile[index], Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            stepTimes = profile
        } else {
            for (step, call) in zip(graph.steps, plan.calls) { step.op.run(call) }
        }
        var outputs: [String: Tensor] = [:]
        for output in graph.outputs {
            let shape = plan.shapes[output.id]
            let source = plan.pointers[output.id]!
            outputs[output.name] = Tensor(shape: shape, data: Array(UnsafeBufferPointer(start: source, count: elementCount(shape))))
        }
        return outputs
    }
}
