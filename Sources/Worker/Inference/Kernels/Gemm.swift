import Dispatch

/// Single-precision matrix multiply C[M×N] = A[M×K]·B[K×N] (+ epilogue) with A pre-packed at load.
///
/// A (the weights) is packed at load into panels of `rows` rows, k-major, zero-padded to a whole panel;
/// B (activations) is packed per 16-column tile at run time, so the micro-kernel reads both sequentially.
enum Gemm {
    /// Rows per packed panel (micro-kernel height).
    static let rows = 6
    /// Columns per micro-kernel tile (one SIMD16 vector).
    static let columns = 16

    /// Floats of scratch `multiply` needs per thread (for the ragged last column tile).
    static func scratchCount(k: Int, threads: Int) -> Int { threads * (k * columns + rows * columns) }

    /// Packs row-major A [m×k] (element (i,j) at `a[i*rowStride + j*columnStride]`) into panels.
    static func pack(_ a: [Float], m: Int, k: Int, rowStride: Int, columnStride: Int = 1) -> ConstantBuffer {
        let panels = (m + rows - 1) / rows
        // Two floats of slack: `columnKernel` reads each k's six values as one SIMD8.
        var packed = [Float](repeating: 0, count: panels * rows * k + 2)
        for i in 0..<m {
            let panel = i / rows, r = i % rows
            for j in 0..<k { packed[(panel * k + j) * rows + r] = a[i * rowStride + j * columnStride] }
        }
        return ConstantBuffer(shape: [panels * rows, k], values: packed)
    }

    /// C = epilogue(A·B) for a dense row-major B with row stride `ldb`.
    @inline(__always)
    static func multiply(packedA: UnsafePointer<Float>, m: Int, k: Int,
                         b: UnsafePointer<Float>, ldb: Int, n: Int,
                         c: UnsafeMutablePointer<Float>, ldc: Int,
                         epilogue: Epilogue, rowOffset: Int = 0,
                         scratch: UnsafeMutablePointer<Float>, threads: Int) {
        multiply(packedA: packedA, m: m, k: k, source: DenseColumns(b: b, ldb: ldb), n: n, c: c, ldc: ldc,
                 epilogue: epilogue, rowOffset: rowOffset, scratch: scratch, threads: threads)
    }

    /// C = epilogue(A·B) where `source` packs B's K×16 column tiles; `rowOffset` indexes the epilogue.
    static func multiply<Source: ColumnSource>(packedA: UnsafePointer<Float>, m: Int, k: Int,
                                               source: Source, n: Int,
                                               c: UnsafeMutablePointer<Float>, ldc: Int,
                                               epilogue: Epilogue, rowOffset: Int = 0,
                                               scratch: UnsafeMutablePointer<Float>, threads: Int) {
        let tiles = (n + columns - 1) / columns
        let panels = (m + rows - 1) / rows
        let perThread = k * columns + rows * columns
        // Split along columns when there are enough tiles, else along rows (small late-layer images).
        let splitColumns = tiles >= 2 * threads || tiles >= panels
        let useHalfTiles = Self.prefersHalfTiles
        parallelChunks(splitColumns ? tiles : panels, threads: threads) { part, range in
            let tileRange = splitColumns ? range : 0..<tiles
            let panelRange = splitColumns ? 0..<panels : range
            let panelB = scratch + part * perThread
            let tileC = panelB + k * columns
            for tile in tileRange {
                let n0 = tile * columns
                let width = min(columns, n - n0)
                // Pack the tile's K×16 slice of B contiguously (zero-padding a ragged edge): the
                // micro-kernel then streams it from L1 for every row panel instead of striding rows.
                source.pack(panelB, k: k, n0: n0, width: width)
                for panel in panelRange {
                    let m0 = panel * rows
                    let height = min(rows, m - m0)
                    if width == columns && useHalfTiles {
                        let a = packedA + panel * k * rows, out = c + m0 * ldc + n0
                        narrowKernel(a, panelB, k, out, ldc, height, epilogue, rowOffset + m0)
                        narrowKernel(a, panelB + 8, k, out + 8, ldc, height, epilogue, rowOffset + m0)
                    } else if width == columns {
                        kernel(packedA + panel * k * rows, panelB, k, c + m0 * ldc + n0, ldc, height,
                               epilogue, rowOffset + m0)
                    } else if width <= 2 {
                        // One or two columns (7×7 planes: 49 = 3·16 + 1): a matrix-vector product
                        // costs a third of a micro-kernel pass that would mostly multiply zeros.
                        columnKernel(packedA + panel * k * rows, panelB, k, width, c + m0 * ldc + n0, ldc, height,
                                     epilogue, rowOffset + m0)
                    } else if width <= 8 {
                        // A narrow ragged edge (e.g. 49 = 3·16 + 1 columns) only pays for 8 columns.
                        narrowKernel(packedA + panel * k * rows, panelB, k, tileC, columns, height,
                                     epilogue, rowOffset + m0)
                        for r in 0..<height {
                            for x in 0..<width { c[(m0 + r) * ldc + n0 + x] = tileC[r * columns + x] }
                        }
                    } else {
                        kernel(packedA + panel * k * rows, panelB, k, tileC, columns, height,
                               epilogue, rowOffset + m0)
                        for r in 0..<height {
                            for x in 0..<width { c[(m0 + r) * ldc + n0 + x] = tileC[r * columns + x] }
                        }
                    }
                }
            }
        }
    }

    /// Whether full tiles run as two 6×8 passes instead of one 6×16 pass, decided once per process by timing.
    ///
    /// Swift cannot test target features at compile time: built for baseline x86-64 (SSE2) the 6×16
    /// kernel's 24 xmm accumulators spill and the 6×8 kernel is about twice as fast, while with AVX2
    /// or AVX-512 codegen the 6×16 kernel wins. Both compute identical results.
    static let prefersHalfTiles: Bool = {
        let k = 256, reps = 64
        let a = alignedFloats(rows * k), b = alignedFloats(k * columns), c = alignedFloats(rows * columns)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        a.initialize(repeating: 0.5, count: rows * k)
        b.initialize(repeating: 0.25, count: k * columns)
        let epilogue = Epilogue(bias: nil)
        func best(_ body: () -> Void) -> UInt64 {
            var fastest = UInt64.max
            for _ in 0..<5 {
                let start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<reps { body() }
                fastest = min(fastest, DispatchTime.now().uptimeNanoseconds - start)
            }
            return fastest
        }
        let whole = best { kernel(a, b, k, c, columns, rows, epilogue, 0) }
        let halves = best {
            narrowKernel(a, b, k, c, columns, rows, epilogue, 0)
            narrowKernel(a, b + 8, k, c + 8, columns, rows, epilogue, 0)
        }
        return halves < whole * 9 / 10
    }()

    /// The 6×16 register-blocked micro-kernel: six SIMD16 accumulators, one B vector per k. Bias and
    /// a clamp activation are applied to the accumulators before the store (17 % faster on K = 16
    /// layers than storing, reloading and finishing each row); PRelu and swish finish after the store.
    @inline(__always)
    static func kernel(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ k: Int,
                       _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ height: Int,
                       _ epilogue: Epilogue, _ row: Int) {
        var c0 = SIMD16<Float>(), c1 = SIMD16<Float>(), c2 = SIMD16<Float>()
        var c3 = SIMD16<Float>(), c4 = SIMD16<Float>(), c5 = SIMD16<Float>()
        var ap = a
        var bp = UnsafeRawPointer(b)
        for _ in 0..<k {
            let bv = bp.loadUnaligned(as: SIMD16<Float>.self)
            c0 += bv * ap[0]
            c1 += bv * ap[1]
            c2 += bv * ap[2]
            c3 += bv * ap[3]
            c4 += bv * ap[4]
            c5 += bv * ap[5]
            ap += 6
            bp += 64
        }
        let rowBytes = ldc * 4
        let out = UnsafeMutableRawPointer(c)
        if let bounds = epilogue.clampBounds {
            // Bias and activation on the accumulators: each value is stored once and never reloaded.
            let lo = SIMD16<Float>(repeating: bounds.low), hi = SIMD16<Float>(repeating: bounds.high)
            var b0: Float = 0, b1: Float = 0, b2: Float = 0, b3: Float = 0, b4: Float = 0, b5: Float = 0
            if let bias = epilogue.bias {
                let p = bias + row
                b0 = p[0]
                if height > 1 { b1 = p[1] }
                if height > 2 { b2 = p[2] }
                if height > 3 { b3 = p[3] }
                if height > 4 { b4 = p[4] }
                if height > 5 { b5 = p[5] }
            }
            c0 += b0; c1 += b1; c2 += b2; c3 += b3; c4 += b4; c5 += b5
            c0.replace(with: lo, where: c0 .< lo); c0.replace(with: hi, where: c0 .> hi)
            c1.replace(with: lo, where: c1 .< lo); c1.replace(with: hi, where: c1 .> hi)
            c2.replace(with: lo, where: c2 .< lo); c2.replace(with: hi, where: c2 .> hi)
            c3.replace(with: lo, where: c3 .< lo); c3.replace(with: hi, where: c3 .> hi)
            c4.replace(with: lo, where: c4 .< lo); c4.replace(with: hi, where: c4 .> hi)
            c5.replace(with: lo, where: c5 .< lo); c5.replace(with: hi, where: c5 .> hi)
            out.storeBytes(of: c0, as: SIMD16<Float>.self)
            if height > 1 { (out + rowBytes).storeBytes(of: c1, as: SIMD16<Float>.self) }
            if height > 2 { (out + 2 * rowBytes).storeBytes(of: c2, as: SIMD16<Float>.self) }
            if height > 3 { (out + 3 * rowBytes).storeBytes(of: c3, as: SIMD16<Float>.self) }
            if height > 4 { (out + 4 * rowBytes).storeBytes(of: c4, as: SIMD16<Float>.self) }
            if height > 5 { (out + 5 * rowBytes).storeBytes(of: c5, as: SIMD16<Float>.self) }
            return
        }
        out.storeBytes(of: c0, as: SIMD16<Float>.self)
        if height > 1 { (out + rowBytes).storeBytes(of: c1, as: SIMD16<Float>.self) }
        if height > 2 { (out + 2 * rowBytes).storeBytes(of: c2, as: SIMD16<Float>.self) }
        if height > 3 { (out + 3 * rowBytes).storeBytes(of: c3, as: SIMD16<Float>.self) }
        if height > 4 { (out + 4 * rowBytes).storeBytes(of: c4, as: SIMD16<Float>.self) }
        if height > 5 { (out + 5 * rowBytes).storeBytes(of: c5, as: SIMD16<Float>.self) }
        for r in 0..<height { epilogue.finish(c + r * ldc, 16, row: row + r) }
    }

    /// C[0..<height][x] for the first `width` columns of a packed B tile, one column at a time: the
    /// panel's six values per k (as one SIMD8, two lanes unused) times B's value, in four partial
    /// sums so that consecutive multiply-adds do not wait on each other.
    @inline(__always)
    static func columnKernel(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ k: Int, _ width: Int,
                             _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ height: Int,
                             _ epilogue: Epilogue, _ row: Int) {
        let ap = UnsafeRawPointer(a)
        for x in 0..<width {
            var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
            var j = 0
            while j + 4 <= k {
                s0.addProduct(ap.loadUnaligned(fromByteOffset: j * 24, as: SIMD8<Float>.self), b[j * columns + x])
                s1.addProduct(ap.loadUnaligned(fromByteOffset: j * 24 + 24, as: SIMD8<Float>.self), b[(j + 1) * columns + x])
                s2.addProduct(ap.loadUnaligned(fromByteOffset: j * 24 + 48, as: SIMD8<Float>.self), b[(j + 2) * columns + x])
                s3.addProduct(ap.loadUnaligned(fromByteOffset: j * 24 + 72, as: SIMD8<Float>.self), b[(j + 3) * columns + x])
                j += 4
            }
            while j < k {
                s0.addProduct(ap.loadUnaligned(fromByteOffset: j * 24, as: SIMD8<Float>.self), b[j * columns + x])
                j += 1
            }
            let sum = (s0 + s1) + (s2 + s3)
            for r in 0..<height { c[r * ldc + x] = epilogue.apply(sum[r], row: row + r) }
        }
    }

    /// The 6×8 micro-kernel for ragged tiles of at most 8 columns (reads the first 8 of each packed row).
    @inline(__always)
    static func narrowKernel(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ k: Int,
                             _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ height: Int,
                             _ epilogue: Epilogue, _ row: Int) {
        var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>()
        var c3 = SIMD8<Float>(), c4 = SIMD8<Float>(), c5 = SIMD8<Float>()
        var ap = a
        var bp = UnsafeRawPointer(b)
        for _ in 0..<k {
            let bv = bp.loadUnaligned(as: SIMD8<Float>.self)
            c0 += bv * ap[0]
            c1 += bv * ap[1]
            c2 += bv * ap[2]
            c3 += bv * ap[3]
            c4 += bv * ap[4]
            c5 += bv * ap[5]
            ap += 6
            bp += 64
        }
        let out = UnsafeMutableRawPointer(c)
        let rowBytes = ldc * 4
        if let bounds = epilogue.clampBounds {
            let lo = SIMD8<Float>(repeating: bounds.low), hi = SIMD8<Float>(repeating: bounds.high)
            var b0: Float = 0, b1: Float = 0, b2: Float = 0, b3: Float = 0, b4: Float = 0, b5: Float = 0
            if let bias = epilogue.bias {
                let p = bias + row
                b0 = p[0]
                if height > 1 { b1 = p[1] }
                if height > 2 { b2 = p[2] }
                if height > 3 { b3 = p[3] }
                if height > 4 { b4 = p[4] }
                if height > 5 { b5 = p[5] }
            }
            c0 += b0; c1 += b1; c2 += b2; c3 += b3; c4 += b4; c5 += b5
            c0.replace(with: lo, where: c0 .< lo); c0.replace(with: hi, where: c0 .> hi)
            c1.replace(with: lo, where: c1 .< lo); c1.replace(with: hi, where: c1 .> hi)
            c2.replace(with: lo, where: c2 .< lo); c2.replace(with: hi, where: c2 .> hi)
            c3.replace(with: lo, where: c3 .< lo); c3.replace(with: hi, where: c3 .> hi)
            c4.replace(with: lo, where: c4 .< lo); c4.replace(with: hi, where: c4 .> hi)
            c5.replace(with: lo, where: c5 .< lo); c5.replace(with: hi, where: c5 .> hi)
            out.storeBytes(of: c0, as: SIMD8<Float>.self)
            if height > 1 { (out + rowBytes).storeBytes(of: c1, as: SIMD8<Float>.self) }
            if height > 2 { (out + 2 * rowBytes).storeBytes(of: c2, as: SIMD8<Float>.self) }
            if height > 3 { (out + 3 * rowBytes).storeBytes(of: c3, as: SIMD8<Float>.self) }
            if height > 4 { (out + 4 * rowBytes).storeBytes(of: c4, as: SIMD8<Float>.self) }
            if height > 5 { (out + 5 * rowBytes).storeBytes(of: c5, as: SIMD8<Float>.self) }
            return
        }
        out.storeBytes(of: c0, as: SIMD8<Float>.self)
        if height > 1 { (out + rowBytes).storeBytes(of: c1, as: SIMD8<Float>.self) }
        if height > 2 { (out + 2 * rowBytes).storeBytes(of: c2, as: SIMD8<Float>.self) }
        if height > 3 { (out + 3 * rowBytes).storeBytes(of: c3, as: SIMD8<Float>.self) }
        if height > 4 { (out + 4 * rowBytes).storeBytes(of: c4, as: SIMD8<Float>.self) }
        if height > 5 { (out + 5 * rowBytes).storeBytes(of: c5, as: SIMD8<Float>.self) }
        for r in 0..<height { epilogue.finish(c + r * ldc, 8, row: row + r) }
    }
}

/// Supplies B to `Gemm.multiply` one K×16 column tile at a time, packed k-major.
protocol ColumnSource {
    /// Writes B[0..<k][n0..<n0+width] to `panel` (row j at `panel + 16j`), zero-filling columns ≥ width.
    func pack(_ panel: UnsafeMutablePointer<Float>, k: Int, n0: Int, width: Int)
}

/// A dense row-major B.
struct DenseColumns: ColumnSource {
    /// B's first element.
    let b: UnsafePointer<Float>
    /// B's row stride in floats.
    let ldb: Int

    @inline(__always)
    func pack(_ panel: UnsafeMutablePointer<Float>, k: Int, n0: Int, width: Int) {
        if width == Gemm.columns {
            for j in 0..<k {
                // One vector move: an element loop compiles to 16 scalar copies (possible aliasing).
                let src = UnsafeRawPointer(b + j * ldb + n0)
                UnsafeMutableRawPointer(panel + j * Gemm.columns).storeBytes(
                    of: src.loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
            }
        } else {
            for j in 0..<k {
                for x in 0..<Gemm.columns { panel[j * Gemm.columns + x] = x < width ? b[j * ldb + n0 + x] : 0 }
            }
        }
    }
}

