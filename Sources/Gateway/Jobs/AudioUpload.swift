import Shared

/// A file a job analyses: its bytes and their SHA-256 (the blob's key in Redis and on disk).
protocol UploadedFile: Sendable {
    /// The file's bytes.
    var bytes: [UInt8] { get }
    /// SHA-256 of `bytes`, hex.
    var sha256: String { get }
}

/// An uploaded recording, checked from its header alone before anything is queued: FLAC or WAV,
/// non-empty, and no longer than the limit. Decoding errors inside the stream surface in the job.
struct AudioUpload: UploadedFile {
    /// The file's bytes.
    let bytes: [UInt8]
    /// What the header says (format, rate, channels, length).
    let header: AudioHeader
    /// SHA-256 of `bytes`, hex.
    let sha256: String

    /// Reads the recording from multipart field `file`, or from the raw body when the request's
    /// `Content-Type` is `audio/flac` or `audio/wav` (also `audio/x-wav`, `audio/wave`).
    static func from(_ request: HTTPRequest, maxSeconds: Double) throws -> AudioUpload {
        let contentType = request.headers["content-type"]?.lowercased() ?? ""
        var bytes: [UInt8]
        if ["audio/flac", "audio/x-flac", "audio/wav", "audio/x-wav", "audio/wave"].contains(where: contentType.hasPrefix) {
            bytes = request.body
        } else {
            let parts = try MultipartForm.parse(body: request.body, contentType: request.headers["content-type"])
            guard let part = parts.first(named: "file") else {
                throw HTTPError.badRequest("multipart field 'file' with the recording is required", code: "missing_file")
            }
            bytes = part.body
        }
        guard !bytes.isEmpty else { throw HTTPError.badRequest("the uploaded file is empty", code: "empty_file") }
        return try validate(bytes, maxSeconds: maxSeconds)
    }

    /// Checks `bytes` are FLAC or WAV with samples, within `maxSeconds`, and hashes them.
    static func validate(_ bytes: [UInt8], maxSeconds: Double) throws -> AudioUpload {
        let header: AudioHeader
        do { header = try AudioHeader.read(bytes) } catch {
            switch error {
            case .notAudio, .unsupported: throw HTTPError(status: 415, code: "not_audio", message: error.description)
            case .truncated, .invalid: throw HTTPError.badRequest(error.description, code: "bad_audio")
            }
        }
        guard header.sampleRate > 0 else { throw HTTPError.badRequest("the recording's sample rate is 0", code: "bad_audio") }
        guard header.duration <= maxSeconds else {
            throw HTTPError.badRequest("the recording is \(Int(header.duration.rounded(.up))) s long, over the limit of \(Int(maxSeconds)) s (ROOST_MAX_AUDIO_SECONDS)",
                                       code: "audio_too_long")
        }
        return AudioUpload(bytes: bytes, header: header, sha256: SHA256.hexDigest(bytes))
    }
}
