/// Buffers and per-step calls for one set of input shapes: built on the first run, reused after.
///
/// Activations share a pool of buffers: a value's buffer returns to the pool after its last reader,
/// and a step's outputs are assigned before its inputs are released so no step writes over its input.
final class ExecutionPlan {
    /// Shapes of the graph inputs this plan was built for.
    let inputShapes: [[Int]]
    /// Buffer of every value id (constants point at model memory).
    private(set) var pointers: [UnsafeMutablePointer<Float>?]
    /// Shape of every value id.
    private(set) var shapes: [[Int]]
    /// One call per step, in order.
    private(set) var calls: [OpCall] = []
    private var owned: [UnsafeMutablePointer<Float>] = []
    /// Bytes of the activation buffers and scratch this plan owns (per session; weights are shared).
    let byteCount: Int

    /// Plans `graph` for inputs of `inputShapes` (in `graph.inputs` order).
    init(graph: CompiledGraph, inputShapes: [[Int]]) throws {
        self.inputShapes = inputShapes
        var shapes = [[Int]](repeating: [], count: graph.valueCount)
        var known = [Bool](repeating: false, count: graph.valueCount)
        for (id, constant) in graph.constants { shapes[id] = constant.shape; known[id] = true }
        for (input, shape) in zip(graph.inputs, inputShapes) { shapes[input.id] = shape; known[input.id] = true }
        var scratch = 0
        for step in graph.steps {
            for id in step.inputs where !known[id] {
                throw InferenceError.invalidGraph("node '\(step.label)' reads a value that is never produced")
            }
            let inputs = step.inputs.map { shapes[$0] }
            let outputs: [[Int]]
            do { outputs = try step.op.outputShapes(inputs) } catch let error as InferenceError {
                throw InferenceError(code: error.code, message: "node '\(step.label)': \(error.message)")
            }
            guard outputs.count == step.outputs.count, outputs.allSatisfy({ checkedCount($0) != nil }) else {
                throw InferenceError.invalidGraph("node '\(step.label)' would produce tensors of shape \(outputs)")
            }
            for (id, shape) in zip(step.outputs, outputs) { shapes[id] = shape; known[id] = true }
            scratch = max(scratch, step.op.scratchCount(inputs))
        }
        self.shapes = shapes

        // Liveness: the last step reading each value; graph outputs stay alive to the end.
        var lastUse = [Int](repeating: -1, count: graph.valueCount)
        for (index, step) in graph.steps.enumerated() { for id in step.inputs { lastUse[id] = index } }
        for output in graph.outputs { lastUse[output.id] = Int.max }
        var slotOf = [Int](repeating: -1, count: graph.valueCount)
        var capacities: [Int] = []
        var free: [Int] = []
        func assign(_ id: Int) {
            let need = max(elementCount(shapes[id]), 1)
            // Best fit among free slots, else grow the largest free slot, else a new slot.
            if let best = free.filter({ capacities[$0] >= need }).min(by: { capacities[$0] < capacities[$1] }) ?? free.max(by: { capacities[$0] < capacities[$1] }) {
                free.removeAll { $0 == best }
                capacities[best] = max(capacities[best], need)
                slotOf[id] = best
            } else {
                capacities.append(need)
                slotOf[id] = capacities.count - 1
            }
        }
        for input in graph.inputs { assign(input.id) }
        for (index, step) in graph.steps.enumerated() {
            for id in step.outputs { assign(id) }
            for id in Set(step.inputs) where graph.constants[id] == nil && lastUse[id] == index && slotOf[id] >= 0 {
                free.append(slotOf[id])
            }
            // Outputs nobody reads are released at once.
            for id in step.outputs where lastUse[id] == -1 { free.append(slotOf[id]) }
        }
        byteCount = 4 * (capacities.reduce(0, +) + scratch)
        let slots = capacities.map { alignedFloats($0) }
        owned = slots
        let scratchBuffer = alignedFloats(scratch)
        owned.append(scratchBuffer)
        var pointers = [UnsafeMutablePointer<Float>?](repeating: nil, count: graph.valueCount)
        for id in 0..<graph.valueCount where slotOf[id] >= 0 { pointers[id] = slots[slotOf[id]] }
        for (id, constant) in graph.constants { pointers[id] = constant.pointer }
        self.pointers = pointers
        calls = graph.steps.map { step in
            OpCall(inputs: step.inputs.map { UnsafePointer(pointers[$0]!) }, inputShapes: step.inputs.map { shapes[$0] },
                   outputs: step.outputs.map { pointers[$0]! }, outputShapes: step.outputs.map { shapes[$0] },
                   scratch: scratchBuffer)
        }
    }

    deinit { for buffer in owned { buffer.deallocate() } }
}
