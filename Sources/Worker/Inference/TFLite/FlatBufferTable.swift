/// A read-only view of one FlatBuffers table inside a buffer (the TFLite file format's encoding).
///
/// Tables point at a vtable of field offsets; absent fields read as their default. Every read is
/// bounds-checked against the buffer (the engine is built with `-Ounchecked`, so the checks here
/// are explicit) and a malformed file throws `InferenceError.invalidGraph` instead of reading past it.
struct FlatBufferTable {
    /// The whole file.
    let bytes: UnsafeRawBufferPointer
    /// Where the table starts.
    let position: Int
    private let vtable: Int
    private let vtableSize: Int

    /// The root table of a buffer (its first 4 bytes are the root's offset).
    static func root(of bytes: UnsafeRawBufferPointer) throws -> FlatBufferTable {
        let position = Int(try FlatBufferTable.read(UInt32.self, bytes, at: 0))
        return try FlatBufferTable(bytes: bytes, position: position)
    }

    /// The table at `position`.
    init(bytes: UnsafeRawBufferPointer, position: Int) throws {
        self.bytes = bytes
        self.position = position
        let offset = Int(try FlatBufferTable.read(Int32.self, bytes, at: position))
        vtable = position - offset
        vtableSize = Int(try FlatBufferTable.read(UInt16.self, bytes, at: vtable))
    }

    /// Reads a little-endian scalar at `offset`, or throws when it lies outside the buffer.
    static func read<T: FixedWidthInteger>(_ type: T.Type, _ bytes: UnsafeRawBufferPointer, at offset: Int) throws -> T {
        guard offset >= 0, offset <= bytes.count - MemoryLayout<T>.size else {
            throw InferenceError.invalidGraph("TFLite file: offset \(offset) is outside the file")
        }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// The absolute position of field `index`, nil when the field is absent.
    private func field(_ index: Int) throws -> Int? {
        let entry = 4 + 2 * index
        guard entry + 2 <= vtableSize else { return nil }
        let relative = Int(try FlatBufferTable.read(UInt16.self, bytes, at: vtable + entry))
        return relative == 0 ? nil : position + relative
    }

    /// A scalar field, or `defaultValue` when absent.
    func scalar<T: FixedWidthInteger>(_ index: Int, _ defaultValue: T) throws -> T {
        guard let at = try field(index) else { return defaultValue }
        return try FlatBufferTable.read(T.self, bytes, at: at)
    }

    /// Where an offset field points (tables, vectors and strings are stored by offset).
    private func target(_ index: Int) throws -> Int? {
        guard let at = try field(index) else { return nil }
        return at + Int(try FlatBufferTable.read(UInt32.self, bytes, at: at))
    }

    /// A sub-table field.
    func table(_ index: Int) throws -> FlatBufferTable? {
        guard let at = try target(index) else { return nil }
        return try FlatBufferTable(bytes: bytes, position: at)
    }

    /// A vector field: the position of its first element and its length (nil when absent).
    func vector(_ index: Int, elementSize: Int) throws -> (start: Int, count: Int)? {
        guard let at = try target(index) else { return nil }
        let count = Int(try FlatBufferTable.read(UInt32.self, bytes, at: at))
        guard count >= 0, at + 4 + count * elementSize <= bytes.count else {
            throw InferenceError.invalidGraph("TFLite file: a vector of \(count) elements runs past the end")
        }
        return (at + 4, count)
    }

    /// A vector of tables.
    func tables(_ index: Int) throws -> [FlatBufferTable] {
        guard let (start, count) = try vector(index, elementSize: 4) else { return [] }
        return try (0..<count).map { i in
            let slot = start + 4 * i
            return try FlatBufferTable(bytes: bytes, position: slot + Int(try FlatBufferTable.read(UInt32.self, bytes, at: slot)))
        }
    }

    /// A vector of 32-bit integers.
    func int32s(_ index: Int) throws -> [Int] {
        guard let (start, count) = try vector(index, elementSize: 4) else { return [] }
        return try (0..<count).map { Int(try FlatBufferTable.read(Int32.self, bytes, at: start + 4 * $0)) }
    }

    /// A string field (UTF-8), "" when absent.
    func string(_ index: Int) throws -> String {
        guard let (start, count) = try vector(index, elementSize: 1) else { return "" }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<start + count]), as: UTF8.self)
    }
}
