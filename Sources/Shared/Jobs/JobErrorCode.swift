/// The error codes a job can end with (`error_code` in its record and in `GET /jobs/{id}`),
/// declared once for the worker that sets them and the gateway that reads them.
public enum JobErrorCode {
    /// The uploaded bytes expired from Redis before the job ran (permanent).
    public static let imageExpired = "image_expired"
    /// No handler for the job's kind in the worker that received it (permanent).
    public static let unknownKind = "unknown_kind"
    /// The job's parameters are not what its kind accepts (permanent).
    public static let badParams = "bad_params"
    /// The recording cannot be decoded (not FLAC/WAV, truncated, corrupt, empty, too long): permanent.
    public static let badAudio = "bad_audio"
    /// An unexpected failure inside the worker (retried).
    public static let `internal` = "internal"
    /// The worker running it stopped answering; it was taken back (queue).
    public static let stalled = "stalled"
    /// The gateway found the job accepted in SQLite but gone from Redis (janitor).
    public static let lostInQueue = "lost_in_queue"

    /// Codes of the image decoders (`ImageError`): the file itself is bad, never the service.
    public static let imageErrors: Set<String> = ["not_jpeg", "truncated_jpeg", "corrupt_jpeg", "unsupported_jpeg", "image_too_large",
                                                  "jpeg_memory_limit", "not_png", "truncated_png", "corrupt_png"]
}
