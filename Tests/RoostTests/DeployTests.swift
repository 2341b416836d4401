import Foundation
import Testing

/// `deploy/`: every file parses, and every `ROOST_*` variable it sets is one the code reads (a
/// misspelt variable is silently ignored by the programs, so it must fail here).
@Suite struct DeployTests {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static func files(under folder: String) -> [URL] {
        let base = root.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { !$0.hasDirectoryPath }
    }

    /// Every `ROOST_*` name mentioned in `text`.
    private static func variables(in text: String) -> Set<String> {
        let regex = try! NSRegularExpression(pattern: "ROOST_[A-Z0-9_]*[A-Z0-9]")
        let range = NSRange(text.startIndex..., in: text)
        return Set(regex.matches(in: text, range: range).compactMap { Range($0.range, in: text).map { String(text[$0]) } })
    }

    @Test func everyVariableDeploySetsIsReadByTheCode() throws {
        var code = ""
        for url in Self.files(under: "Sources") + [Self.root.appendingPathComponent("Package.swift")] + Self.files(under: "scripts") {
            code += (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        }
        let known = Self.variables(in: code)
        var checked = 0
        for url in Self.files(under: "deploy") {
            let text = try String(contentsOf: url, encoding: .utf8)
            for name in Self.variables(in: text) {
                checked += 1
                #expect(known.contains(name), "\(url.lastPathComponent) sets \(name), which no program reads")
            }
        }
        #expect(checked > 10)
    }

    @Test func manifestsAndComposeFileParse() throws {
        let python = Self.root.appendingPathComponent(".venv-verify/bin/python3").path
        try #require(FileManager.default.isExecutableFile(atPath: python), "run `make fixtures` (it creates the verification venv)")
        let yamlFiles = Self.files(under: "deploy").filter { ["yaml", "yml"].contains($0.pathExtension) }.map(\.path)
        #expect(yamlFiles.count >= 4)
        let check = """
            import sys, yaml
            for path in sys.argv[1:]:
                docs = [d for d in yaml.safe_load_all(open(path)) if d is not None]
                assert docs, path + ': empty'
                for d in docs:
                    if 'services' in d:
                        for name, s in d['services'].items():
                            assert 'image' in s or 'build' in s, path + ': service ' + name + ' has no image'
                    else:
                        assert d.get('apiVersion') and d.get('kind') and d.get('metadata', {}).get('name'), path + ': not a Kubernetes object'
                        if d['kind'] == 'Deployment':
                            c = d['spec']['template']['spec']['containers'][0]
                            assert c['command'][0] in ('roost-gateway', 'roost-worker'), path
            print('ok', len(sys.argv) - 1)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", check] + yamlFiles
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(text)")
    }
}
