import Foundation
import Shared

// roost: Roost's command-line tool. `roost import PATH... --kind K --server URL` uploads files as
// jobs, waits for their results and writes them to a JSON-lines or CSV file, resumably (ImportLedger).
let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first, command == "import" else {
    let program = CommandLineHelp.Program(name: "roost", summary: "Roost's command-line tool (batch importer).",
                                          usage: ImportOptions.usage.split(separator: "\n").map(String.init), reads: "cli")
    exit(CommandLineHelp.handle(arguments, program) ?? {
        FileHandle.standardError.write(Data("roost: give a command\n\n\(CommandLineHelp.helpText(program))".utf8))
        return 2
    }())
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
