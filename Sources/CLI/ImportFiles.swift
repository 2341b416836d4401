import Foundation

/// The files an import covers, in a stable order: every regular file under the given paths
/// (folders walked recursively, entries starting with `.` skipped, `@list` files read), sorted,
/// each once.
enum ImportFiles {
    /// Expands `paths`; a path that does not exist is an error (a typo must not import nothing).
    static func expand(_ paths: [String]) throws -> [String] {
        var files = Set<String>()
        let manager = FileManager.default
        for path in paths {
            if path.hasPrefix("@") {
                let listPath = String(path.dropFirst())
                guard let text = try? String(contentsOfFile: listPath, encoding: .utf8) else {
                    throw UsageError("cannot read the file list \(listPath)")
                }
                let listed = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty && !$0.hasPrefix("#") }
                files.formUnion(try expand(listed))
                continue
            }
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isFolder) else { throw UsageError("no such file or folder: \(path)") }
            guard isFolder.boolValue else { files.insert(path); continue }
            guard let walker = manager.enumerator(atPath: path) else { throw UsageError("cannot read folder \(path)") }
            while let relative = walker.nextObject() as? String {
                let name = (relative as NSString).lastPathComponent
                if name.hasPrefix(".") { walker.skipDescendants(); continue }
                let full = (path as NSString).appendingPathComponent(relative)
                var entryIsFolder: ObjCBool = false
                if manager.fileExists(atPath: full, isDirectory: &entryIsFolder), !entryIsFolder.boolValue { files.insert(full) }
            }
        }
        return files.sorted()
    }

    /// True for bytes that start like a JPEG or PNG (what the image kinds accept).
    static func looksLikeImage(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: [0xFF, 0xD8, 0xFF]) || bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }
}
