import Foundation
import Shared

// roost: Roost's command-line tool. `roost import PATH... --kind K --server URL` uploads files as
// jobs, waits for their results and writes them to a JSON-lines or CSV file, resumably (ImportLedger).
let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first, command == "import" else {
    FileHandle.standardError.write(Data("roost: Roost's command-line tool\n\n\(ImportOptions.usage)\n".utf8))
    exit(arguments.first == "--help" || arguments.first == "-h" ? 0 : 2)
}
do {
    let options = try ImportOptions(arguments: Array(arguments.dropFirst()))
    let files = try ImportFiles.expand(options.paths)
    let importer = try Importer(options: options, files: files)
    exit(importer.run())
} catch let error as UsageError {
    FileHandle.standardError.write(Data("roost import: \(error.message.isEmpty ? "" : error.message + "\n\n")\(ImportOptions.usage)\n".utf8))
    exit(error.message.isEmpty ? 0 : 2)
} catch {
    FileHandle.standardError.write(Data("roost import: \(error)\n".utf8))
    exit(2)
}
