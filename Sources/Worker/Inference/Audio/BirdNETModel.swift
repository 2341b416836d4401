import Foundation

/// BirdNET 2.4 (a TFLite model) on Roost's engine: the spectrogram front end in Swift, the
/// convolutional network imported from the TFLite graph and run by the engine's kernels.
///
/// Input: one chunk of mono audio at 48 kHz (`chunkLength` samples, 3 s); output: one logit per
/// class (`classCount`, in the order of the model's labels file). Immutable and shared; use one
/// `BirdNETSession` per thread. Loading and running are blocking CPU work.
public final class BirdNETModel: Sendable {
    /// The sample rate the model was trained at.
    public static let sampleRate = 48_000
    /// Samples per chunk.
    public let chunkLength: Int
    /// Classes (logits per chunk).
    public let classCount: Int
    let spectrogram: MelSpectrogram
    let network: InferenceModel

    /// Loads the TFLite model at `url`.
    /// - Throws: `InferenceError` when the file is unreadable or not a BirdNET-shaped graph.
    public convenience init(contentsOf url: URL, threads: Int = 1) throws {
        try self.init(bytes: try modelFileBytes(url), threads: threads)
    }

    /// Loads a model from its TFLite bytes.
    init(bytes: [UInt8], threads: Int = 1) throws {
        let model = try TFLiteModel(bytes: bytes)
        let (frontEnd, boundary) = try BirdNETModel.frontEnd(of: model)
        spectrogram = frontEnd
        chunkLength = frontEnd.chunkLength
        let shape = [1, frontEnd.bandCount, frontEnd.frameCount, frontEnd.branches.count]
        let graph = try TFLiteImporter.importGraph(model, from: boundary + 1, input: model.operations[boundary].outputs[0],
                                                   inputShape: shape, inputName: "spectrogram")
        network = try InferenceModel(onnx: graph, threads: threads)
        guard let classes = graph.graph.outputs.first?.shape.last ?? nil else {
            throw InferenceError.invalidGraph("BirdNET model has no class output")
        }
        classCount = classes
    }

    /// A new session (scratch buffers for one thread).
    public func makeSession() -> BirdNETSession { BirdNETSession(model: self) }

    /// Reads the front end's parameters from the graph and returns them with the index of the
    /// operator whose output is the spectrogram (the concatenation of the branches).
    static func frontEnd(of model: TFLiteModel) throws -> (MelSpectrogram, Int) {
        let ops = model.operations
        func producer(of tensor: Int) -> Int? { ops.firstIndex { $0.outputs.contains(tensor) } }
        func constantOperand(_ op: TFLiteModel.Operation) -> TFLiteModel.Constant? {
            op.inputs.lazy.compactMap { $0 >= 0 ? model.tensors[$0].constant : nil }.first
        }
        func fail(_ what: String) -> InferenceError { .invalidGraph("not a BirdNET front end: \(what)") }
        let transforms = ops.indices.filter { ops[$0].code == TFLiteOp.rfft2D }
        guard let last = transforms.last, let input = model.inputs.first, let chunk = model.tensors[input].shape.last else {
            throw fail("no RFFT2D")
        }
        // Normalisation: REDUCE_MIN, SUB, REDUCE_MAX, ADD ε, DIV, SUB offset, MUL scale, in that order.
        let head = ops.prefix(7).map(\.code)
        guard head == [TFLiteOp.reduceMin, TFLiteOp.sub, TFLiteOp.reduceMax, TFLiteOp.add, TFLiteOp.div, TFLiteOp.sub, TFLiteOp.mul],
              let epsilon = constantOperand(ops[3])?.floats.first, let offset = constantOperand(ops[5])?.floats.first,
              let scale = constantOperand(ops[6])?.floats.first else {
            throw fail("the input is not min-max normalised as expected")
        }
        var branches: [MelSpectrogram.Branch] = []
        for (n, index) in transforms.enumerated() {
            let op = ops[index]
            guard op.inputs.count == 2, let length = model.tensors[op.inputs[1]].constant?.integers.last else { throw fail("RFFT2D without a length") }
            // The window: the MUL feeding the EXPAND_DIMS that feeds the transform.
            guard let expand = producer(of: op.inputs[0]), let multiply = producer(of: ops[expand].inputs[0]),
                  ops[multiply].code == TFLiteOp.mul, let window = constantOperand(ops[multiply])?.floats, window.count == length else {
                throw fail("no window before the transform")
            }
            let name = model.tensors[op.outputs[0]].name
            guard let stft = name.range(of: "/stft/") else { throw fail("unexpected tensor name \(name)") }
            let prefix = String(name[..<stft.lowerBound])
            guard let step = model.tensors.first(where: { $0.name == prefix + "/stft/frame_step" })?.constant?.integers.first, step > 0 else {
                throw fail("no frame step for \(prefix)")
            }
            let end = n + 1 < transforms.count ? transforms[n + 1] : ops.count
            let following = ops[(index + 1)..<end]
            guard let dense = following.first(where: { $0.code == TFLiteOp.fullyConnected }),
                  let matrixTensor = dense.inputs.dropFirst().first, model.tensors[matrixTensor].shape.count == 2,
                  case .floats(let matrix)? = model.tensors[matrixTensor].constant,
                  model.tensors[matrixTensor].shape[1] == length / 2 + 1 else {
                throw fail("no mel matrix for \(prefix)")
            }
            guard let powerOp = following.first(where: { $0.code == TFLiteOp.pow }),
                  let power = model.tensors[powerOp.inputs[1]].constant?.floats.first,
                  following.contains(where: { $0.code == TFLiteOp.reverseV2 }) else {
                throw fail("no power and band reversal for \(prefix)")
            }
            let bins = length / 2 + 1, bandCount = model.tensors[matrixTensor].shape[0]
            let bands = (0..<bandCount).map { band -> (first: Int, weights: [Float]) in
                let row = Array(matrix[(band * bins)..<((band + 1) * bins)])
                guard let first = row.firstIndex(where: { $0 != 0 }), let lastBin = row.lastIndex(where: { $0 != 0 }) else { return (0, []) }
                return (first, Array(row[first...lastBin]))
            }
            branches.append(.init(frameLength: length, hop: step, window: window, bands: bands, power: power))
        }
        let spectrogram = MelSpectrogram(branches: branches, epsilon: epsilon, offset: offset, scale: scale, chunkLength: chunk)
        for branch in branches where branch.bands.count != spectrogram.bandCount
            || 1 + (chunk - branch.frameLength) / branch.hop != spectrogram.frameCount || branch.frameLength > chunk {
            throw fail("branches of different sizes")
        }
        guard let boundary = ops.indices.first(where: { $0 > last && ops[$0].code == TFLiteOp.concatenation && model.tensors[ops[$0].outputs[0]].type == 0 }) else {
            throw fail("no concatenation of the branches")
        }
        return (spectrogram, boundary)
    }
}

/// Runs BirdNET on chunks: owns the FFTs, the spectrogram buffer and an engine session.
/// Not thread-safe: one per thread; `logits` blocks.
public final class BirdNETSession {
    private let model: BirdNETModel
    private let session: InferenceSession
    private let ffts: [RealFFT]
    private var scratch: [Float]

    init(model: BirdNETModel) {
        self.model = model
        session = model.network.makeSession()
        ffts = model.spectrogram.branches.map { try! RealFFT(size: $0.frameLength) }
        scratch = [Float](repeating: 0, count: model.chunkLength + (model.spectrogram.branches.map(\.frameLength).max() ?? 0))
    }

    /// The spectrogram of `chunk` as the network sees it: NCHW [1, branches, bands, frames].
    public func spectrogram(for chunk: [Float]) throws -> Tensor {
        guard chunk.count == model.chunkLength else {
            throw InferenceError.badInput("a chunk has \(model.chunkLength) samples, not \(chunk.count)")
        }
        let front = model.spectrogram
        var output = [Float](repeating: 0, count: front.branches.count * front.bandCount * front.frameCount)
        chunk.withUnsafeBufferPointer { samples in
            scratch.withUnsafeMutableBufferPointer { scratch in
                output.withUnsafeMutableBufferPointer { out in
                    front.compute(samples.baseAddress!, ffts: ffts, scratch: scratch.baseAddress!, into: out.baseAddress!)
                }
            }
        }
        return Tensor(shape: [1, front.branches.count, front.bandCount, front.frameCount], data: output)
    }

    /// The model's logits for one chunk of `chunkLength` samples at 48 kHz.
    public func logits(for chunk: [Float]) throws -> [Float] {
        try logits(spectrogram: try spectrogram(for: chunk))
    }

    /// The network's logits for a spectrogram from `spectrogram(for:)` (the two halves timed apart by benchmarks).
    public func logits(spectrogram input: Tensor) throws -> [Float] {
        guard let output = try session.run(["spectrogram": input]).values.first else {
            throw InferenceError.invalidGraph("BirdNET produced no output")
        }
        return output.data
    }
}
