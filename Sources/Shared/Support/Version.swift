/// Roost's version, reported in worker heartbeats and `/ops` answers.
public enum RoostVersion {
    /// Semantic version of this build.
    public static let string = "0.1.0"
}
