import Foundation

/// `--help`, `--version` and unknown arguments, answered the same way by every binary before it
/// starts anything (no Redis, no models, no socket).
public enum CommandLineHelp {
    /// What a binary says about itself.
    public struct Program: Sendable {
        /// The binary's name, e.g. `roost-gateway`.
        public let name: String
        /// One line: what it is.
        public let summary: String
        /// Usage lines.
        public let usage: [String]
        /// Which settings it reads (`ConfigurationVariables.read(by:)`): `gateway`, `workers` or `cli`.
        public let reads: String

        /// Describes a program.
        public init(name: String, summary: String, usage: [String], reads: String) {
            self.name = name
            self.summary = summary
            self.usage = usage
            self.reads = reads
        }
    }

    /// nil when there are no arguments (the binary goes on); otherwise prints the answer and
    /// returns the exit status: 0 for `--help`/`-h` and `--version`, 2 for anything else.
    public static func handle(_ arguments: [String], _ program: Program) -> Int32? {
        guard let first = arguments.first else { return nil }
        switch first {
        case "--help", "-h", "help":
            print(helpText(program))
            return 0
        case "--version", "-V", "version":
            print("\(program.name) \(RoostVersion.string)")
            return 0
        default:
            FileHandle.standardError.write(Data("\(program.name): unknown argument '\(first)'\nTry '\(program.name) --help'.\n".utf8))
            return 2
        }
    }

    /// The `--help` text: summary, usage, and every `ROOST_*` setting the program reads with its default.
    public static func helpText(_ program: Program) -> String {
        var text = "\(program.name) \(RoostVersion.string): \(program.summary)\n\nusage:\n"
        for line in program.usage { text += "  \(line)\n" }
        text += "\nconfiguration (environment variables, read once at start):\n"
        let variables = ConfigurationVariables.read(by: program.reads)
        let width = variables.map(\.name.count).max() ?? 0
        for variable in variables {
            let name = variable.name.padding(toLength: width, withPad: " ", startingAt: 0)
            text += "  \(name)  default \(variable.defaultValue.replacingOccurrences(of: "`", with: "")): "
                + "\(variable.meaning.replacingOccurrences(of: "`", with: ""))\n"
        }
        return text
    }
}
