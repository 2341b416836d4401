/// The scheme and host of links Roost puts in its answers (soundscape and image URLs).
extension HTTPRequest {
    /// `configured` (an operator's public URL) when set; else `http://` and the request's `Host`
    /// when it holds only host-name characters (no header injection into links), else `http://localhost`.
    func publicBaseURL(configured: String?) -> String {
        if let configured { return configured }
        let host = headers["host"] ?? ""
        let safe = !host.isEmpty && host.utf8.count <= 255
            && host.utf8.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || ".-:[]".utf8.contains($0) }
        return "http://" + (safe ? host : "localhost")
    }
}
