/// A minimum s–t cut over an 8-connected pixel grid (Boykov–Kolmogorov max-flow: two search
/// trees grown from the terminals, reused after each augmentation).
///
/// Source side = foreground. Each pixel has a cost for being labelled background
/// (`sourceCost`, the capacity of its edge from the source) and for being labelled foreground
/// (`sinkCost`); each pair of neighbours a cost for being labelled differently. The cut is
/// deterministic: nodes are visited in index order and FIFO queues decide ties.
struct GridGraphCut {
    /// Grid size.
    let width: Int, height: Int
    /// Residual capacity of the edge from each node towards its neighbour in each direction
    /// (`node * 8 + direction`); 0 off the grid.
    private var capacity: [Float]
    /// Source capacity minus sink capacity of each node (residual; the common part of the two
    /// is cut by any labelling and is dropped up front).
    private var terminal: [Float]

    /// Neighbour steps: E, W, S, N, SE, NW, NE, SW; direction `d ^ 1` is the opposite of `d`.
    private static let steps: [(dx: Int, dy: Int)] = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1), (1, -1), (-1, 1)]

    /// A grid with no edges yet.
    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        capacity = [Float](repeating: 0, count: width * height * 8)
        terminal = [Float](repeating: 0, count: width * height)
    }

    /// Sets the costs of labelling `node` background (`sourceCost`) and foreground (`sinkCost`).
    mutating func setTerminalCosts(_ node: Int, sourceCost: Float, sinkCost: Float) {
        terminal[node] = sourceCost - sinkCost
    }

    /// Sets the cost of separating `node` from its neighbour in `direction` (0–7, both ways).
    mutating func setPairCost(_ node: Int, direction: Int, cost: Float) {
        let (x, y) = (node % width, node / width)
        let step = Self.steps[direction]
        guard x + step.dx >= 0, x + step.dx < width, y + step.dy >= 0, y + step.dy < height else { return }
        let other = node + step.dy * width + step.dx
        capacity[node * 8 + direction] = cost
        capacity[other * 8 + (direction ^ 1)] = cost
    }

    /// The neighbour of `node` in `direction`, or -1 off the grid.
    @inline(__always)
    func neighbour(_ node: Int, _ direction: Int) -> Int {
        let step = Self.steps[direction]
        let x = node % width + step.dx, y = node / width + step.dy
        return x >= 0 && x < width && y >= 0 && y < height ? y * width + x : -1
    }

    /// Runs max-flow and returns, per node, whether it is on the source (foreground) side.
    mutating func minimumCut() -> [Bool] {
        let count = width * height
        // The neighbour of each node in each direction (-1 off the grid), so the loops below
        // do no division.
        var neighbours = [Int32](repeating: -1, count: count * 8)
        for node in 0..<count {
            for d in 0..<8 { neighbours[node * 8 + d] = Int32(neighbour(node, d)) }
        }
        let offsets = Self.steps.map { $0.dy * width + $0.dx }
        var tree = [UInt8](repeating: 0, count: count)
        // The residual graph is kept (a second call finds the flow already maximal).
        var residual = capacity, excess = terminal
        residual.withUnsafeMutableBufferPointer { capacity in
            excess.withUnsafeMutableBufferPointer { terminal in
                neighbours.withUnsafeBufferPointer { neighbours in
                    tree.withUnsafeMutableBufferPointer { tree in
                        Self.maximumFlow(count: count, capacity: capacity, terminal: terminal, neighbours: neighbours,
                                         offsets: offsets, tree: tree)
                    }
                }
            }
        }
        capacity = residual
        terminal = excess
        return tree.map { $0 == 1 }
    }

    /// Boykov–Kolmogorov over raw buffers (this is the hot loop: no closures capturing `var`s,
    /// no array copies). On return `tree` is 1 for source-side nodes.
    private static func maximumFlow(count: Int, capacity: UnsafeMutableBufferPointer<Float>,
                                    terminal: UnsafeMutableBufferPointer<Float>, neighbours: UnsafeBufferPointer<Int32>,
                                    offsets: [Int], tree: UnsafeMutableBufferPointer<UInt8>) {
        // tree: 0 free, 1 source, 2 sink. parent: direction to the parent, -1 terminal, -2 none.
        var parent = [Int8](repeating: -2, count: count)
        var stamp = [Int](repeating: 0, count: count)
        var distance = [Int](repeating: 0, count: count)
        var isActive = [Bool](repeating: false, count: count)
        var active = [Int]()
        var orphans = [Int]()
        active.reserveCapacity(count)
        var activeHead = 0
        var time = 1
        let offsets = (offsets[0], offsets[1], offsets[2], offsets[3], offsets[4], offsets[5], offsets[6], offsets[7])
        @inline(__always) func offset(_ d: Int) -> Int {
            switch d {
            case 0: return offsets.0
            case 1: return offsets.1
            case 2: return offsets.2
            case 3: return offsets.3
            case 4: return offsets.4
            case 5: return offsets.5
            case 6: return offsets.6
            default: return offsets.7
            }
        }

        for node in 0..<count where terminal[node] != 0 {
            tree[node] = terminal[node] > 0 ? 1 : 2
            parent[node] = -1
            stamp[node] = time
            distance[node] = 1
            active.append(node)
            isActive[node] = true
        }

        // The node being grown; after an augmentation the same node is grown again before the
        // queue moves on (as in Boykov and Kolmogorov's implementation).
        var current = -1
        while current >= 0 || activeHead < active.count {
            let p: Int
            if current >= 0 {
                p = current
                current = -1
            } else {
                p = active[activeHead]
                activeHead += 1
                isActive[p] = false
            }
            let side = tree[p]
            if side == 0 { continue }
            // Growth: claim free neighbours reachable through residual edges; stop at the first
            // neighbour of the other tree (a path from source to sink).
            var sourceSide = -1, sinkSide = -1, direction = -1
            for d in 0..<8 {
                let q = Int(neighbours[p * 8 + d])
                if q < 0 { continue }
                let residual = side == 1 ? capacity[p * 8 + d] : capacity[q * 8 + (d ^ 1)]
                if residual <= 0 { continue }
                let other = tree[q]
                if other == 0 {
                    tree[q] = side
                    parent[q] = Int8(d ^ 1)
                    stamp[q] = stamp[p]
                    distance[q] = distance[p] + 1
                    if !isActive[q] { active.append(q); isActive[q] = true }
                } else if other != side {
                    if side == 1 { sourceSide = p; sinkSide = q; direction = d } else { sourceSide = q; sinkSide = p; direction = d ^ 1 }
                    break
                }
            }
            if direction < 0 { continue }
            // p may have more paths: grow it again next.
            current = p
            time += 1

            // Augment: the bottleneck along source root → sourceSide → sinkSide → sink root.
            var flow = capacity[sourceSide * 8 + direction]
            var node = sourceSide
            while parent[node] != -1 {
                let d = Int(parent[node]), up = node + offset(d)
                flow = min(flow, capacity[up * 8 + (d ^ 1)])
                node = up
            }
            flow = min(flow, terminal[node])
            node = sinkSide
            while parent[node] != -1 {
                let d = Int(parent[node])
                flow = min(flow, capacity[node * 8 + d])
                node += offset(d)
            }
            flow = min(flow, -terminal[node])

            capacity[sourceSide * 8 + direction] -= flow
            capacity[sinkSide * 8 + (direction ^ 1)] += flow
            node = sourceSide
            while parent[node] != -1 {
                let d = Int(parent[node]), up = node + offset(d)
                capacity[up * 8 + (d ^ 1)] -= flow
                capacity[node * 8 + d] += flow
                if capacity[up * 8 + (d ^ 1)] <= 0 { parent[node] = -2; orphans.append(node) }
                node = up
            }
            terminal[node] -= flow
            if terminal[node] <= 0 { parent[node] = -2; orphans.append(node) }
            node = sinkSide
            while parent[node] != -1 {
                let d = Int(parent[node]), up = node + offset(d)
                capacity[node * 8 + d] -= flow
                capacity[up * 8 + (d ^ 1)] += flow
                if capacity[node * 8 + d] <= 0 { parent[node] = -2; orphans.append(node) }
                node = up
            }
            terminal[node] += flow
            if terminal[node] >= 0 { parent[node] = -2; orphans.append(node) }

            // Adoption: give each orphan a new parent in its own tree whose path still reaches
            // the terminal, or free it (its children become orphans in turn).
            var orphanHead = 0
            while orphanHead < orphans.count {
                let o = orphans[orphanHead]
                orphanHead += 1
                let side = tree[o]
                var bestDirection = -1, bestDistance = Int.max
                for d in 0..<8 {
                    let q = Int(neighbours[o * 8 + d])
                    if q < 0 || tree[q] != side { continue }
                    let residual = side == 1 ? capacity[q * 8 + (d ^ 1)] : capacity[o * 8 + d]
                    if residual <= 0 { continue }
                    // Does q's path reach the terminal? (stamps cache nodes checked this round)
                    var j = q, steps = 0, valid = false
                    while true {
                        if stamp[j] == time { steps += distance[j]; valid = true; break }
                        steps += 1
                        let up = parent[j]
                        if up == -1 { stamp[j] = time; distance[j] = 1; valid = true; break }
                        if up == -2 { break }
                        j += offset(Int(up))
                    }
                    guard valid else { continue }
                    if steps < bestDistance { bestDistance = steps; bestDirection = d }
                    var k = q, remaining = steps
                    while stamp[k] != time {
                        stamp[k] = time
                        distance[k] = remaining
                        remaining -= 1
                        k += offset(Int(parent[k]))
                    }
                }
                if bestDirection >= 0 {
                    parent[o] = Int8(bestDirection)
                    stamp[o] = time
                    distance[o] = bestDistance + 1
                    continue
                }
                for d in 0..<8 {
                    let q = Int(neighbours[o * 8 + d])
                    if q < 0 || tree[q] != side { continue }
                    let residual = side == 1 ? capacity[q * 8 + (d ^ 1)] : capacity[o * 8 + d]
                    if residual > 0 && !isActive[q] { active.append(q); isActive[q] = true }
                    let up = parent[q]
                    if up >= 0 && q + offset(Int(up)) == o { parent[q] = -2; orphans.append(q) }
                }
                tree[o] = 0
            }
            orphans.removeAll(keepingCapacity: true)
            // Compact the queue now and then so it does not grow without bound.
            if activeHead > 4096 && activeHead * 2 > active.count {
                active.removeFirst(activeHead)
                activeHead = 0
            }
        }
    }
}
