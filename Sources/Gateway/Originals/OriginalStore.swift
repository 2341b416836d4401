import Foundation
import Glibc

/// The accepted uploads' bytes, kept durably on disk so a job Redis lost can be queued again.
///
/// Content-addressed: `<data>/originals/ab/abcdef…` (the lower-case hex SHA-256, fanned out by its
/// first two characters), so jobs with the same photo share one file. `save` writes a temporary
/// file, `fsync`s it, renames it into place and `fsync`s the directory: once it returns, the
/// bytes survive a crash of the process or the machine. Files are removed by the janitor's
/// retention sweep when no job references them any more.
///
/// A save and a removal of the same SHA-256 must not interleave (a removal decided "unreferenced"
/// just before a new job with that photo was recorded): uploads `pin` the SHA-256 from before the
/// save until their job row is committed, and `removeIfUnpinned` skips pinned ones.
final class OriginalStore: @unchecked Sendable {
    // Safe: `pins` is only touched under `lock`; `directory` is immutable.
    /// The `originals` directory.
    let directory: URL
    /// `directory`'s path, joined by hand in `path(sha256:)` (`URL.appendingPathComponent` twice
    /// per upload was 2 % of the gateway's CPU).
    private let directoryPath: String
    private let lock = NSLock()
    private var pins: [String: Int] = [:]

    /// Creates the directory if needed.
    init(directory: URL) throws {
        self.directory = directory
        var path = directory.path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        directoryPath = path
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// The file for `sha256`, or nil when it is not a lower-case hex SHA-256.
    func path(sha256: String) -> String? {
        guard sha256.utf8.count == 64, sha256.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
        return directoryPath + "/" + sha256.prefix(2) + "/" + sha256
    }

    /// Writes `bytes` under `sha256` durably (no-op when the file is already there).
    func save(_ bytes: [UInt8], sha256: String) throws {
        guard let path = path(sha256: sha256) else { throw OriginalStoreError("not a SHA-256: \(sha256)") }
        if FileManager.default.fileExists(atPath: path) { return }
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = folder + "/.tmp-\(sha256)-\(UUID().uuidString)"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw OriginalStoreError.errno("create \(temporary)") }
        var ok = false
        defer { if !ok { unlink(temporary) } }
        do {
            defer { close(fd) }
            try bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 { if errno == EINTR { continue }; throw OriginalStoreError.errno("write \(temporary)") }
                    offset += n
                }
            }
            guard fsync(fd) == 0 else { throw OriginalStoreError.errno("fsync \(temporary)") }
        }
        guard rename(temporary, path) == 0 else { throw OriginalStoreError.errno("rename to \(path)") }
        ok = true
        try Self.syncDirectory(folder)
    }

    /// The bytes saved under `sha256`, or nil when there is no such file.
    func load(sha256: String) -> [UInt8]? {
        guard let path = path(sha256: sha256), let data = FileManager.default.contents(atPath: path) else { return nil }
        return [UInt8](data)
    }

    /// Keeps `sha256` from removal until `unpin`.
    func pin(_ sha256: String) { lock.withLock { pins[sha256, default: 0] += 1 } }

    /// Ends one `pin`.
    func unpin(_ sha256: String) {
        lock.withLock {
            let left = (pins[sha256] ?? 1) - 1
            pins[sha256] = left > 0 ? left : nil
        }
    }

    /// Removes the file for `sha256` when no upload has it pinned and `stillUnreferenced` (asked
    /// under the pin lock, so no upload can pin it in between) says no job uses it. Returns true when removed.
    func removeIfUnpinned(_ sha256: String, stillUnreferenced: () throws -> Bool) throws -> Bool {
        try lock.withLock {
            guard pins[sha256] == nil, let path = path(sha256: sha256), try stillUnreferenced() else { return false }
            return unlink(path) == 0
        }
    }

    private static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw OriginalStoreError.errno("open \(path)") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw OriginalStoreError.errno("fsync \(path)") }
    }
}

/// A failure to keep or read an original; the upload is refused rather than accepted without it.
struct OriginalStoreError: Error, CustomStringConvertible {
    /// What went wrong.
    let description: String

    /// An error with this message.
    init(_ description: String) { self.description = description }

    /// An error carrying the current `errno`.
    static func errno(_ what: String) -> OriginalStoreError {
        OriginalStoreError("\(what): \(String(cString: strerror(Glibc.errno)))")
    }
}
